using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Router;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The router's IPv6 hot path in ns per packet, the twin of <see cref="RouterBenchmark"/>: 64-byte frames (a 40-byte
/// IPv6 header and 10 bytes of UDP) in batches of 32, 64 batches per invocation. The FIB holds 100,000 random static
/// routes (lengths /32, /40, /48, /56 and /64, as sites and subnets are cut, via 8 gateways on the egress interface)
/// besides the connected and local ones; each batch carries 32 different destinations drawn inside those routes.
/// </summary>
/// <remarks>
/// Every frame's destination MAC and hop limit are put back after each batch (two stores per frame, included in the
/// figures; IPv6 has no header checksum to restore).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class Ipv6RouterBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 64;
    private const int PacketsPerInvoke = BatchSize * Batches;
    private const int FrameLength = 64;
    private const int Routes = 100_000;
    private const int Gateways = 8;
    private static readonly int[] s_lengths = [32, 40, 48, 56, 64];

    private readonly BenchEmitter _emit = new();
    private RouterFunction _router = null!;
    private RouterFunction _small = null!;
    private PacketBatch[] _batches = null!;
    private PacketBatch _connected = null!;
    private MacAddress _routerMac;
    private UInt128[] _lookups = null!;
    private Ipv6Fib _fib = null!;

    /// <summary>Builds the routers, teaches them their neighbours, and prepares the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var routes = new List<Ipv6StaticRoute>(Routes);
        var destinations = new UInt128[Routes];
        for (int i = 0; i < Routes; i++)
        {
            int length = s_lengths[random.Next(s_lengths.Length)];
            var mask = UInt128.MaxValue << (128 - length);
            // Global unicast (2000::/3), away from the connected 2001:db8::/32.
            var network = new UInt128((ulong)random.NextInt64() & 0x1FFF_FFFF_FFFF_FFFFUL | 0x2000_0000_0000_0000UL, (ulong)random.NextInt64()) & mask;
            if ((ulong)(network >> 96) == 0x2001_0db8)
            {
                network ^= UInt128.One << 100;
            }
            routes.Add(new Ipv6StaticRoute { Prefix = new Ipv6Prefix(new Ipv6Address(network), length), Via = Ipv6Address.Parse($"2001:db8:2::{2 + (i % Gateways)}") });
            destinations[i] = network | (new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) & ~mask);
        }
        var options = new RouterOptions
        {
            Interfaces =
            [
                new RouterInterface { Name = "lan", Ipv6Addresses = [Ipv6Prefix.Parse("2001:db8:1::1/64")] },
                new RouterInterface { Name = "wan", Ipv6Addresses = [Ipv6Prefix.Parse("2001:db8:2::1/64")] },
            ],
            Ipv6Routes = routes,
        };
        _router = new RouterFunction("bench", options);
        _small = new RouterFunction("bench", options with { Ipv6Routes = [] });
        var pool = new PacketPool(BatchSize * (Batches + 8), 256);
        var teach = new PacketBatch(1);
        teach.Add(pool.Rent()!);
        for (int g = 0; g < Gateways; g++)
        {
            Teach(_router, teach, $"2001:db8:2::{2 + g}", 0x50 + g);
        }
        Teach(_small, teach, "2001:db8:2::2", 0x50);

        _routerMac = _router.InterfaceMac(0);
        _batches = new PacketBatch[Batches];
        for (int n = 0; n < Batches; n++)
        {
            _batches[n] = new PacketBatch(BatchSize);
            for (int k = 0; k < BatchSize; k++)
            {
                var packet = pool.Rent()!;
                packet.Load(Frame(_routerMac, new Ipv6Address(destinations[random.Next(Routes)])), 0);
                _batches[n].Add(packet);
            }
        }
        _connected = new PacketBatch(BatchSize);
        for (int k = 0; k < BatchSize; k++)
        {
            var packet = pool.Rent()!;
            packet.Load(Frame(_small.InterfaceMac(0), Ipv6Address.Parse("2001:db8:2::2")), 0);
            _connected.Add(packet);
        }

        _fib = _router.Ipv6Routes.Fib;
        _lookups = new UInt128[PacketsPerInvoke];
        for (int i = 0; i < _lookups.Length; i++)
        {
            _lookups[i] = destinations[random.Next(Routes)];
        }
        Check();
    }

    /// <summary>Forwarding with the 100k-route FIB: checks, lookup, hop limit, neighbour cache hit, Ethernet rewrite, send.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Forward100kRoutes()
    {
        for (int n = 0; n < Batches; n++)
        {
            _router.Process(_batches[n], _emit);
            Restore(_batches[n], _routerMac);
        }
    }

    /// <summary>Forwarding to a directly connected host with only connected routes.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void ForwardConnected()
    {
        for (int n = 0; n < Batches; n++)
        {
            _small.Process(_connected, _emit);
            Restore(_connected, _routerMac);
        }
    }

    /// <summary>The FIB alone: one longest-prefix match in the 100k-route table (7 prefix lengths present).</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public int FibLookup100k()
    {
        int sum = 0;
        var lookups = _lookups;
        for (int i = 0; i < lookups.Length; i++)
        {
            sum += _fib.Lookup(lookups[i]);
        }
        return sum;
    }

    private static void Restore(PacketBatch batch, MacAddress routerMac)
    {
        foreach (var packet in batch.AsSpan())
        {
            var data = packet.Data;
            routerMac.Write(data);
            data[14 + Ipv6Header.HopLimitOffset] = 64;
        }
    }

    // A neighbour solicitation for the router's wan address from the gateway, which teaches the router the gateway's MAC.
    private void Teach(RouterFunction router, PacketBatch teach, string address, int host)
    {
        var mac = new MacAddress(0x0200_0000_0000UL | (uint)host);
        var target = Ipv6Address.Parse("2001:db8:2::1");
        var message = new byte[32];
        message[0] = Icmpv6Header.TypeNeighborSolicitation;
        target.Write(message.AsSpan(8));
        message[24] = Icmpv6Header.OptionSourceLinkLayer;
        message[25] = 1;
        mac.Write(message.AsSpan(26));
        var frame = new byte[14 + 40 + message.Length];
        target.SolicitedNode.MulticastMac.Write(frame);
        mac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv6);
        var source = Ipv6Address.Parse(address);
        Ipv6Header.Write(frame.AsSpan(14), message.Length, Ipv6Header.ProtocolIcmpv6, 255, source, target.SolicitedNode);
        Icmpv6Header.UpdateChecksum(message, source, target.SolicitedNode);
        message.CopyTo(frame, 54);
        teach[0].Load(frame, 1);
        router.Process(teach, _emit);
    }

    private static byte[] Frame(MacAddress routerMac, Ipv6Address destination)
    {
        var frame = new byte[FrameLength];
        routerMac.Write(frame);
        new MacAddress(0x0200_0000_0010UL).Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv6);
        var ip = frame.AsSpan(14);
        Ipv6Header.Write(ip, FrameLength - 54, Ipv6Header.ProtocolUdp, 64, Ipv6Address.Parse("2001:db8:1::10"), destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[40..], 40000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[42..], 53);
        BinaryPrimitives.WriteUInt16BigEndian(ip[44..], FrameLength - 54);
        return frame;
    }

    // Runs each case once and checks every frame was forwarded, as RouterBenchmark does.
    private void Check()
    {
        long sent = _emit.Sent, dropped = _emit.Dropped;
        Forward100kRoutes();
        ForwardConnected();
        if (_emit.Dropped != dropped || _emit.Sent - sent != 2 * PacketsPerInvoke)
        {
            throw new InvalidOperationException(
                $"Expected {2 * PacketsPerInvoke} frames forwarded, got {_emit.Sent - sent} sent and {_emit.Dropped - dropped} dropped " +
                $"(100k: {_router.Counters[RouterEvent.Forwarded]} forwarded, {_router.Neighbours.Count} neighbours; " +
                $"connected: {_small.Counters[RouterEvent.Forwarded]} forwarded).");
        }
        Console.WriteLine($"// Ipv6RouterBenchmark: {_router.Ipv6Routes.Routes.Count} routes, prefix lengths {string.Join(" ", _fib.Lengths)}");
    }
}

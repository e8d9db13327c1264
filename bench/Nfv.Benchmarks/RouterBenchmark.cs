using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Router;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The router's hot path in ns per packet: 60-byte frames (64 on the wire with the FCS; a 20-byte IPv4 header and
/// 26 bytes of UDP) in batches of 32, 64 batches per invocation. The FIB holds 100,000 random static routes (lengths
/// /8 to /32, via 8 gateways on the egress interface) besides the connected ones; each batch carries 32 different
/// destinations drawn inside those routes, so lookups wander over the whole table.
/// </summary>
/// <remarks>
/// Every frame's destination MAC, TTL and header checksum are put back after each batch (three stores per frame,
/// included in the figures): the router rewrote the MAC to the next hop's, and the TTL would run out after 63 rounds.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RouterBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 64;
    private const int PacketsPerInvoke = BatchSize * Batches;
    private const int FrameLength = 60;
    private const int Routes = 100_000;
    private const int Gateways = 8;

    private readonly BenchEmitter _emit = new();
    private RouterFunction _router = null!;
    private RouterFunction _small = null!;
    private PacketBatch[] _batches = null!;
    private PacketBatch _connected = null!;
    private ushort[][] _checksums = null!;
    private ushort _connectedChecksum;
    private MacAddress _routerMac;
    private uint[] _lookups = null!;
    private Fib _fib = null!;

    /// <summary>Builds the routers, teaches them their neighbours, and prepares the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var routes = new List<StaticRoute>(Routes);
        var destinations = new uint[Routes];
        for (int i = 0; i < Routes; i++)
        {
            int length = random.Next(8, 33);
            uint mask = uint.MaxValue << (32 - length);
            // Public-looking space only: 1.0.0.0 to 191.255.255.255, away from the connected subnets.
            uint network = (uint)random.NextInt64(0x0100_0000, 0xC000_0000) & mask;
            if (network >> 24 == 127)
            {
                network = (network & 0x00FF_FFFF) | 0x7E00_0000; // 127/8 is never routed (a martian): use 126/8
            }
            routes.Add(new StaticRoute { Prefix = new Ipv4Prefix(new Ipv4Address(network), length), Via = Ipv4Address.Parse($"192.0.2.{2 + (i % Gateways)}") });
            destinations[i] = network | ((uint)random.Next() & ~mask);
        }
        var options = new RouterOptions
        {
            Interfaces =
            [
                new RouterInterface { Name = "lan", Addresses = [Ipv4Prefix.Parse("10.0.0.1/24")] },
                new RouterInterface { Name = "wan", Addresses = [Ipv4Prefix.Parse("192.0.2.1/24")] },
            ],
            Routes = routes,
        };
        _router = new RouterFunction("bench", options);
        _small = new RouterFunction("bench", options with { Routes = [] });
        var pool = new PacketPool(BatchSize * (Batches + 8), 256);
        var teach = new PacketBatch(1);
        teach.Add(pool.Rent()!);
        for (int g = 0; g < Gateways; g++)
        {
            Teach(_router, teach, $"192.0.2.{2 + g}", 0x50 + g);
        }
        Teach(_small, teach, "192.0.2.2", 0x50);

        var lanMac = _router.InterfaceMac(0);
        _routerMac = lanMac;
        _batches = new PacketBatch[Batches];
        _checksums = new ushort[Batches][];
        for (int n = 0; n < Batches; n++)
        {
            _batches[n] = new PacketBatch(BatchSize);
            _checksums[n] = new ushort[BatchSize];
            for (int k = 0; k < BatchSize; k++)
            {
                var packet = pool.Rent()!;
                packet.Load(Frame(lanMac, destinations[random.Next(Routes)]), 0);
                _checksums[n][k] = BinaryPrimitives.ReadUInt16BigEndian(packet.Data[24..]);
                _batches[n].Add(packet);
            }
        }
        _connected = new PacketBatch(BatchSize);
        for (int k = 0; k < BatchSize; k++)
        {
            var packet = pool.Rent()!;
            packet.Load(Frame(_small.InterfaceMac(0), Ipv4Address.Parse("192.0.2.2").Value), 0);
            _connectedChecksum = BinaryPrimitives.ReadUInt16BigEndian(packet.Data[24..]);
            _connected.Add(packet);
        }

        _fib = _router.Routes.Fib;
        _lookups = new uint[PacketsPerInvoke];
        for (int i = 0; i < _lookups.Length; i++)
        {
            _lookups[i] = destinations[random.Next(Routes)];
        }
        Check();
    }

    /// <summary>Forwarding with the 100k-route FIB: checks, lookup, TTL, ARP cache hit, Ethernet rewrite, send.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Forward100kRoutes()
    {
        for (int n = 0; n < Batches; n++)
        {
            _router.Process(_batches[n], _emit);
            Restore(_batches[n], _checksums[n], _routerMac);
        }
    }

    /// <summary>Forwarding to a directly connected host with only connected routes.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void ForwardConnected()
    {
        for (int n = 0; n < Batches; n++)
        {
            _small.Process(_connected, _emit);
            foreach (var p in _connected.AsSpan())
            {
                var data = p.Data;
                _routerMac.Write(data);
                data[22] = 64;
                BinaryPrimitives.WriteUInt16BigEndian(data[24..], _connectedChecksum);
            }
        }
    }

    /// <summary>The FIB alone: one longest-prefix match in the 100k-route table.</summary>
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

    private static void Restore(PacketBatch batch, ushort[] checksums, MacAddress routerMac)
    {
        var packets = batch.AsSpan();
        for (int k = 0; k < packets.Length; k++)
        {
            var data = packets[k].Data;
            routerMac.Write(data);
            data[22] = 64;
            BinaryPrimitives.WriteUInt16BigEndian(data[24..], checksums[k]);
        }
    }

    private void Teach(RouterFunction router, PacketBatch teach, string address, int host)
    {
        // An ARP request to the router's wan address: the router learns the asker (RFC 826 merge).
        var frame = new byte[42];
        MacAddress.Broadcast.Write(frame);
        var mac = new MacAddress(0x0200_0000_0000UL | (uint)host);
        mac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeArp);
        ArpHeader.Write(frame.AsSpan(14), ArpHeader.OperationRequest, mac, Ipv4Address.Parse(address), default, Ipv4Address.Parse("192.0.2.1"));
        teach[0].Load(frame, 1);
        router.Process(teach, _emit);
    }

    private static byte[] Frame(MacAddress routerMac, uint destination)
    {
        var frame = new byte[FrameLength];
        routerMac.Write(frame);
        new MacAddress(0x0200_0000_0010UL).Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv4);
        var ip = frame.AsSpan(14);
        Ipv4Header.Write(ip, FrameLength - 14, 1, 64, Ipv4Header.ProtocolUdp, Ipv4Address.Parse("10.0.0.10"), new Ipv4Address(destination));
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], 40000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], 53);
        BinaryPrimitives.WriteUInt16BigEndian(ip[24..], FrameLength - 14 - 20);
        return frame;
    }

    // Runs each case once and checks every frame was forwarded: a benchmark that measured a drop path by mistake
    // would report a flattering figure.
    private void Check()
    {
        long sent = _emit.Sent, dropped = _emit.Dropped;
        Forward100kRoutes();
        ForwardConnected();
        if (_emit.Dropped != dropped || _emit.Sent - sent != 2 * PacketsPerInvoke)
        {
            throw new InvalidOperationException(
                $"Expected {2 * PacketsPerInvoke} frames forwarded, got {_emit.Sent - sent} sent and {_emit.Dropped - dropped} dropped " +
                $"(100k: {_router.Counters[RouterEvent.Forwarded]} forwarded, {_router.Arp.Count} ARP entries, {_router.Counters[RouterEvent.ArpRequests]} ARP requests; " +
                $"connected: {_small.Counters[RouterEvent.Forwarded]} forwarded, {_small.Counters[RouterEvent.ArpRequests]} ARP requests).");
        }
        Console.WriteLine($"// RouterBenchmark: {_router.Routes.Routes.Count} routes, {_fib.PlyCount} plies ({_fib.PlyCount / 1024} MB)");
    }
}

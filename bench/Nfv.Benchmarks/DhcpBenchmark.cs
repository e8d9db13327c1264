using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Dhcp;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The DHCP server's cost per 4-way exchange (DISCOVER→OFFER, REQUEST→ACK), in memory and with the lease journal on
/// disk (written and flushed by the lease file's own thread, while the server goes on; the ACKs wait for it). 1024
/// clients, in batches of 32 DISCOVERs then 32 REQUESTs, as a burst of relayed traffic arrives, and the time until the
/// last ACK left; after the first round each client gets its address again (the steady state of renewals and
/// returning clients). DHCP is the slow path: parsing allocates, on purpose.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DhcpBenchmark
{
    private const int Clients = 1024;
    private const int BatchSize = 32;

    private readonly ReleasingEmitter _emit = new();
    private readonly PacketPool _pool = new(4 * DhcpFunction.MaxHeldAcks, 2048);
    private readonly PacketBatch _batch = new(BatchSize);
    private byte[][] _discovers = null!;
    private byte[][] _requests = null!;
    private DhcpFunction _server = null!;
    private string? _directory;
    private long _sentBefore;

    /// <summary>Whether leases go to a journal on disk (fdatasync per batch) or stay in memory.</summary>
    [Params(false, true)]
    public bool Persist { get; set; }

    /// <summary>Builds the server and the clients' messages.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var diagnostics = new DiagnosticBag();
        var map = new ConfigMapping(
        [
            Entry("kind", "dhcp"),
            Entry("address", "10.98.0.1/16"),
            Entry("pool", "10.98.1.0-10.98.255.254"),
            Entry("router", "10.98.0.1"),
            Entry("rate-limit", "0"),
            Entry("clients-per-source", "0"), // perfdhcp is a relay on the server's own segment, as here
        ], default);
        var blueprint = (DhcpBlueprint?)new DhcpFunctionFactory().Define(new FunctionDefinitionContext("dhcp", map, diagnostics))
            ?? throw new InvalidOperationException(string.Join("; ", diagnostics.Items));
        var serverMac = blueprint.Options.Mac;
        _directory = Persist ? Directory.CreateTempSubdirectory("nfv-dhcp-bench-").FullName : null;
        _server = (DhcpFunction)blueprint.Build(new FunctionBuildContext("dhcp", [true], TimeProvider.System, NullLoggerFactory.Instance)
        {
            StateDirectory = _directory,
        });
        _discovers = new byte[Clients][];
        _requests = new byte[Clients][];
        for (int i = 0; i < Clients; i++)
        {
            var mac = new MacAddress(0x0200_0000_0000UL | (uint)(i + 1));
            _discovers[i] = Message(serverMac, mac, 1, []);
            // The server hands addresses out in pool order from 10.98.1.0: client i gets 10.98.1.0 + i.
            _requests[i] = Message(serverMac, mac, 3, [50, 4, 10, 98, (byte)(1 + (i >> 8)), (byte)i, 54, 4, 10, 98, 0, 1]);
        }
        Exchanges(); // the first round binds every client
    }

    /// <summary>Closes the lease file and removes it.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>1024 4-way exchanges.</summary>
    [Benchmark(OperationsPerInvoke = Clients)]
    public void Exchanges()
    {
        for (int first = 0; first < Clients; first += BatchSize)
        {
            Run(_discovers, first);
            Run(_requests, first);
        }
        while (_server.AcksWaitingForDisk > 0)
        {
            Thread.Sleep(0);
            _server.OnTimer(_emit); // as the worker does at the wake-ups the server asks for
        }
        if (_emit.Sent - _sentBefore != 2 * Clients)
        {
            throw new InvalidOperationException($"{_emit.Sent - _sentBefore} replies: the server did not answer every message");
        }
        _sentBefore = _emit.Sent;
    }

    private void Run(byte[][] frames, int first)
    {
        _batch.Clear();
        for (int i = first; i < first + BatchSize; i++)
        {
            var packet = _pool.Rent()!;
            packet.Load(frames[i]);
            _batch.Add(packet);
        }
        _server.Process(_batch, _emit); // the replies were written into these packets; ACKs may be held
    }

    // Counts what the server sends and gives every packet back to the pool, sent or dropped, now or after a hold.
    private sealed class ReleasingEmitter : Emitter
    {
        public long Sent { get; private set; }

        public override void To(int port, Packet packet)
        {
            Sent++;
            packet.Release();
        }

        public override void Drop(Packet packet, int reason) => packet.Release();

        public override Packet? Clone(Packet packet) => throw new NotSupportedException();

        public override Packet? Allocate() => throw new NotSupportedException();
    }

    private static KeyValuePair<ConfigScalar, ConfigNode> Entry(string key, string value) =>
        new(new ConfigScalar(key, default), new ConfigScalar(value, default));

    // A relayed message from 10.98.0.2 (perfdhcp's shape), Ethernet/IPv4/UDP with a zero UDP checksum.
    private static byte[] Message(MacAddress serverMac, MacAddress mac, byte type, byte[] options)
    {
        int payloadLength = 240 + 3 + options.Length + 1;
        var frame = new byte[42 + payloadLength];
        serverMac.Write(frame);
        mac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv4);
        Ipv4Header.Write(frame.AsSpan(14), 28 + payloadLength, 0, 64, Ipv4Header.ProtocolUdp, Ipv4Address.Parse("10.98.0.2"), Ipv4Address.Parse("10.98.0.1"));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 67);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), 67);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(38), (ushort)(8 + payloadLength));
        var dhcp = frame.AsSpan(42);
        dhcp[0] = 1;
        dhcp[1] = 1;
        dhcp[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(dhcp[4..], (uint)mac.Value);
        Ipv4Address.Parse("10.98.0.2").Write(dhcp[24..]);
        mac.Write(dhcp[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(dhcp[236..], 0x63825363);
        dhcp[240] = 53;
        dhcp[241] = 1;
        dhcp[242] = type;
        options.CopyTo(dhcp[243..]);
        dhcp[^1] = 255;
        return frame;
    }
}

using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Nat;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The NAT's hot path in ns per packet, called at its hooks as the router calls it (without the router): 4,096
/// established UDP flows from 64 inside hosts, 60-byte frames; each invocation translates one packet of every flow,
/// in flow order (so the lookups wander over the connection table).
/// </summary>
/// <remarks>
/// Before each hook call the packet's 60 bytes are copied back from the flow's template (the hook rewrote them), and
/// that copy is included in the figures; <see cref="CopyOnly"/> measures it alone.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class NatBenchmark
{
    private const int Hosts = 64;
    private const int FlowsPerHost = 64;
    private const int Flows = Hosts * FlowsPerHost;

    private readonly BenchEmitter _emit = new();
    private NatFunction _nat = null!;
    private byte[][] _outbound = null!;
    private byte[][] _inbound = null!;
    private Packet _packet = null!;
    private Ipv4HookContext _output;
    private Ipv4HookContext _input;

    /// <summary>Attaches a NAT, establishes every flow, and keeps a template of each direction's frame.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var external = Ipv4Address.Parse("192.0.2.1");
        _nat = new NatFunction("bench", new NatOptions { MaxSessions = Flows * 2, MaxSessionsPerHost = FlowsPerHost * 2 });
        ((IIpv4Feature)_nat).Attach(new Ipv4FeatureAttachment("gw", 1, "wan", [Ipv4Prefix.Parse("192.0.2.1/24")],
            [Ipv4Address.Parse("10.0.0.1"), external]));
        _output = new Ipv4HookContext(1, external, EthernetHeader.Size, Ipv4Address.Parse("192.0.2.254"), TimeProvider.System.GetTimestamp());
        _input = new Ipv4HookContext(1, external, EthernetHeader.Size, Ipv4Address.Any, _output.Timestamp);
        _packet = new PacketPool(4, 256).Rent()!;
        _outbound = new byte[Flows][];
        _inbound = new byte[Flows][];
        var remote = Ipv4Address.Parse("198.51.100.7");
        for (int i = 0; i < Flows; i++)
        {
            var inside = new Ipv4Address(0x0A00_0000u | (uint)(2 + i / FlowsPerHost));
            ushort port = (ushort)(40000 + i % FlowsPerHost);
            _outbound[i] = Frame(inside, remote, port, 53);
            _packet.Load(_outbound[i]);
            if (((IIpv4Feature)_nat).Output(_packet, _output, _emit) != Ipv4FeatureVerdict.Continue)
            {
                throw new InvalidOperationException("Flow setup failed.");
            }
            ushort externalPort = (ushort)(_packet.Data[34] << 8 | _packet.Data[35]);
            _inbound[i] = Frame(remote, external, 53, externalPort);
        }
        if (_nat.SessionCount != Flows || EstablishedOutbound() != 0 || EstablishedInbound() != 0)
        {
            throw new InvalidOperationException("The NAT did not translate every flow.");
        }
    }

    /// <summary>Inside to outside: the session by its inside key (one lookup), refresh, source and port rewritten, IP and UDP checksums updated.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int EstablishedOutbound()
    {
        int refused = 0;
        var nat = (IIpv4Feature)_nat;
        for (int i = 0; i < _outbound.Length; i++)
        {
            _outbound[i].CopyTo(_packet.Data);
            refused += (int)nat.Output(_packet, _output, _emit);
        }
        return refused;
    }

    /// <summary>Outside to inside: the session by its outside key (one lookup), destination rewritten.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int EstablishedInbound()
    {
        int refused = 0;
        var nat = (IIpv4Feature)_nat;
        for (int i = 0; i < _inbound.Length; i++)
        {
            _inbound[i].CopyTo(_packet.Data);
            refused += (int)nat.Input(_packet, _input, _emit);
        }
        return refused;
    }

    /// <summary>The template copy the two cases above include.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int CopyOnly()
    {
        for (int i = 0; i < _outbound.Length; i++)
        {
            _outbound[i].CopyTo(_packet.Data);
        }
        return _packet.Data[0];
    }

    internal static byte[] Frame(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort)
    {
        var frame = new byte[60];
        frame[12] = 0x08;
        var ip = frame.AsSpan(EthernetHeader.Size);
        Ipv4Header.Write(ip, 46, 1, 64, Ipv4Header.ProtocolUdp, source, destination);
        var udp = ip[Ipv4Header.MinSize..];
        udp[0] = (byte)(sourcePort >> 8);
        udp[1] = (byte)sourcePort;
        udp[2] = (byte)(destinationPort >> 8);
        udp[3] = (byte)destinationPort;
        udp[5] = 26;
        ushort checksum = Checksum.Compute(udp[..26], Checksum.PseudoHeaderSum(source, destination, Ipv4Header.ProtocolUdp, 26));
        udp[6] = (byte)(checksum >> 8);
        udp[7] = (byte)checksum;
        return frame;
    }
}

/// <summary>
/// New sessions per second: each invocation opens 16,384 UDP flows (256 inside hosts × 64 ports) on a NAT emptied
/// before it, so each one takes the slow path: a mapping (port preserved), a session, the per-host count.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10, invocationCount: 1)]
public class NatSessionSetupBenchmark
{
    private const int Hosts = 256;
    private const int FlowsPerHost = 64;
    private const int Flows = Hosts * FlowsPerHost;

    private readonly BenchEmitter _emit = new();
    private NatFunction _nat = null!;
    private byte[][] _frames = null!;
    private Packet _packet = null!;
    private Ipv4HookContext _output;

    /// <summary>Builds the flows' first packets.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _packet = new PacketPool(4, 256).Rent()!;
        _output = new Ipv4HookContext(1, Ipv4Address.Parse("192.0.2.1"), EthernetHeader.Size, Ipv4Address.Parse("192.0.2.254"), TimeProvider.System.GetTimestamp());
        _frames = new byte[Flows][];
        var remote = Ipv4Address.Parse("198.51.100.7");
        for (int i = 0; i < Flows; i++)
        {
            _frames[i] = NatBenchmark.Frame(new Ipv4Address(0x0A00_0000u | (uint)(2 + i / FlowsPerHost)), remote, (ushort)(40000 + i % FlowsPerHost), 53);
        }
        _packet.Load(_frames[0]);
        Fresh();
        if (NewSessions() != 0 || _nat.SessionCount != Flows)
        {
            throw new InvalidOperationException("The NAT did not open every flow.");
        }
    }

    /// <summary>A fresh NAT (preallocated tables: the allocation happens here, not in the measurement).</summary>
    [IterationSetup]
    public void Fresh()
    {
        _nat = new NatFunction("bench", new NatOptions { MaxSessions = Flows, MaxSessionsPerHost = FlowsPerHost });
        ((IIpv4Feature)_nat).Attach(new Ipv4FeatureAttachment("gw", 1, "wan", [Ipv4Prefix.Parse("192.0.2.1/24")], []));
    }

    /// <summary>One new flow per operation: mapping, session, translation.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int NewSessions()
    {
        int refused = 0;
        var nat = (IIpv4Feature)_nat;
        for (int i = 0; i < _frames.Length; i++)
        {
            _frames[i].CopyTo(_packet.Data);
            refused += (int)nat.Output(_packet, _output, _emit);
        }
        return refused;
    }
}

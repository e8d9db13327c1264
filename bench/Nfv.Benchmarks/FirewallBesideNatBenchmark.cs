using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Firewall;
using Nfv.Functions.Nat;
using Nfv.Ip;
using Nfv.Ip.Connections;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// A firewall beside the NAT on one router interface (<c>features: [masq, wall]</c>), their hooks called in the router's
/// order with the router's shared connection tracker: the same 4,096 established UDP flows as <see cref="NatBenchmark"/>.
/// Outbound, the firewall looks the connection up and the NAT takes it from the tracker; inbound, the NAT looks it up
/// and the firewall takes it from the tracker: one lookup a packet either way.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class FirewallBesideNatBenchmark
{
    private const int Hosts = 64;
    private const int FlowsPerHost = 64;
    private const int Flows = Hosts * FlowsPerHost;

    private readonly BenchEmitter _emit = new();
    private IIpv4Feature _nat = null!;
    private IIpv4Feature _wall = null!;
    private ConnectionTracker _tracker = null!;
    private byte[][] _outbound = null!;
    private byte[][] _inbound = null!;
    private Packet _packet = null!;
    private Ipv4HookContext _output;
    private Ipv4HookContext _input;

    /// <summary>Attaches both with one tracker, opens every flow through the firewall and the NAT.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var external = Ipv4Address.Parse("192.0.2.1");
        var nat = new NatFunction("masq", new NatOptions { MaxSessions = Flows * 2, MaxSessionsPerHost = FlowsPerHost * 2 });
        var wall = FirewallFunction.Feature("wall", new FirewallOptions
        {
            MaxConnections = Flows * 2,
            Rules = [new FirewallRule(FirewallAction.Allow, FirewallSide.Inside, new Ipv4Match(), new SourceSpan("bench", 1, 1))],
        }, TimeProvider.System);
        _nat = nat;
        _wall = wall;
        _tracker = new ConnectionTracker(_nat.TrackedConnections + _wall.TrackedConnections);
        var attachment = new Ipv4FeatureAttachment("gw", 1, "wan", [Ipv4Prefix.Parse("192.0.2.1/24")], [Ipv4Address.Parse("10.0.0.1"), external])
        {
            Connections = _tracker,
        };
        _nat.Attach(attachment);
        _wall.Attach(attachment);
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
            _outbound[i] = NatBenchmark.Frame(inside, remote, port, 53);
            _packet.Load(_outbound[i]);
            if (Out() != 0)
            {
                throw new InvalidOperationException("Flow setup failed.");
            }
            ushort externalPort = (ushort)(_packet.Data[34] << 8 | _packet.Data[35]);
            _inbound[i] = NatBenchmark.Frame(remote, external, 53, externalPort);
        }
        if (nat.SessionCount != Flows || wall.ConnectionCount != Flows || _tracker.Table.Count != Flows || EstablishedOutbound() != 0 ||
            EstablishedInbound() != 0 || wall.Counters[FirewallEvent.Tracked] != 2 * Flows)
        {
            throw new InvalidOperationException("The flows did not each become one connection both pass.");
        }
    }

    /// <summary>Inside to outside: the firewall finds the connection (one lookup), the NAT takes it from the tracker and translates.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int EstablishedOutbound()
    {
        int refused = 0;
        for (int i = 0; i < _outbound.Length; i++)
        {
            _outbound[i].CopyTo(_packet.Data);
            refused += Out();
        }
        return refused;
    }

    /// <summary>Outside to inside: the NAT finds the session (one lookup) and translates, the firewall takes it from the tracker.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public int EstablishedInbound()
    {
        int refused = 0;
        for (int i = 0; i < _inbound.Length; i++)
        {
            _inbound[i].CopyTo(_packet.Data);
            _tracker.Begin();
            refused += (int)_nat.Input(_packet, _input, _emit) + (int)_wall.Input(_packet, _input, _emit);
        }
        return refused;
    }

    // The router's order on the way out: the feature listed last first.
    private int Out()
    {
        _tracker.Begin();
        return (int)_wall.Output(_packet, _output, _emit) + (int)_nat.Output(_packet, _output, _emit);
    }
}

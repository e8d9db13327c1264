using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Testing;
using Nfv.Topology;

namespace Nfv.Runtime.Tests;

/// <summary>
/// The compiler's choice of an instance per worker, over topologies in memory with two workers: a switch whose every link
/// leads to a port with a queue per worker runs an instance on each, which learns only from what its worker reads; any
/// other case runs one instance, and the log says why.
/// </summary>
public class InstancePerWorkerTests
{
    private const string SwitchLab = """
        name: lanes
        functions:
          sw: { kind: switch }
        ports:
          p1: { tap: t1 }
          p2: { tap: t2 }
          p3: { tap: t3 }
        links:
          - [p1, sw]
          - [p2, sw]
          - [p3, sw]
        """;

    private static readonly FunctionCatalog Catalog = FunctionDiscovery.Installed();

    private static ResolvedTopology Load(string yaml)
    {
        var result = TopologyLoader.LoadFromText(yaml, "lanes.yaml", Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Topology!;
    }

    private static (PacketGraph Graph, List<string> Log) Compile(string yaml, Func<string, IFramePort> port)
    {
        var topology = Load(yaml);
        var log = new List<string>();
        var graph = TopologyCompiler.Compile(topology, [.. topology.Ports.Select(p => port(p.Name))], [new PacketPool(16, 2048), new PacketPool(16, 2048)],
            options: null, TimeProvider.System, new ListLoggerFactory(log));
        return (graph, log);
    }

    private static byte[] Broadcast(int source) => FrameBuilder.Ethernet(MacAddress.Broadcast, FrameBuilder.Mac(source));

    [Fact]
    public void A_switch_linked_only_to_ports_with_a_queue_per_worker_runs_an_instance_on_each_that_learns_what_its_worker_reads()
    {
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(SwitchLab, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        var node = graph.Functions[0];
        Assert.Equal(2, node.Instances.Count);
        Assert.Empty(log);

        ports["p1"].Memory[0].Enqueue(Broadcast(1)); // worker 0 reads a frame from 02:..:01 on p1
        ports["p2"].Memory[1].Enqueue(Broadcast(2)); // worker 1 one from 02:..:02 on p2
        Assert.Equal(1, graph.Lanes[0].Poll(0));
        Assert.Equal(1, graph.Lanes[1].Poll(1));

        // Each flooded on its own worker's queues, and learned only its own frame's source.
        Assert.Equal([0, 1, 1], ports.Values.Select(p => p.Memory[0].Sent.Count));
        Assert.Equal([1, 0, 1], ports.Values.Select(p => p.Memory[1].Sent.Count));
        Assert.Equal(["02:00:00:00:00:01"], MacRows(node.Instances[0]));
        Assert.Equal(["02:00:00:00:00:02"], MacRows(node.Instances[1]));
        Assert.Equal(2, node.TotalEvents().Single(e => e.Name == "flooded").Count);
        Assert.Equal(2, node.ProcessedPackets);
    }

    private static IEnumerable<string> MacRows(FunctionInstance instance) =>
        ((IInspectableFunction)instance.Function).Tables.Single(t => t.Name == "mac").Rows().Select(r => r[1]);

    [Fact]
    public void Without_a_queue_per_worker_the_switch_runs_one_instance_and_says_why()
    {
        var (graph, log) = Compile(SwitchLab, name => new MemoryPort(name));
        using var _ = graph;

        Assert.Single(graph.Functions[0].Instances);
        Assert.Equal(["Function 'sw' runs as one instance, not one per worker: port 'p1' has no TAP queue per worker (Nfv:MultiQueueTaps)."], log);
    }

    [Fact]
    public void A_switch_linked_to_a_dhcp_server_runs_per_worker_and_every_instance_reaches_the_server_without_flooding()
    {
        // sw is function 0, on worker 0; the DHCP server runs once, as function 1 on worker 1. Its frames reach sw's
        // instance on worker 1 only, which shares what it learns from them.
        var yaml = SwitchLab.Replace("- [p3, sw]", "- [dhcp, sw]").Replace("sw: { kind: switch }", "sw: { kind: switch }\n  " + DhcpServer);
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(yaml, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        Assert.Equal([2, 1], graph.Functions.Select(f => f.Instances.Count));
        Assert.Empty(log);
        var host = FrameBuilder.Mac(1);

        // The host asks for the server, read by worker 0: flooded to p2 and handed to the server, which answers.
        ports["p1"].Memory[0].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, host, "10.0.0.1", default, "10.0.0.254"));
        graph.Lanes[0].Poll(0);
        graph.Lanes[1].PollHandoffs();
        var answer = Assert.Single(ports["p1"].Memory[1].Sent).Frame; // sent by worker 1's instance, to the host it never saw
        var server = EthernetHeader.Source(answer);
        Assert.Single(ports["p2"].Memory[0].Sent);

        // A ping of the server read by worker 0, whose instance never saw the server's frames: forwarded, not flooded.
        ports["p1"].Memory[0].Enqueue(IpPackets.Ip(server, host, "10.0.0.1", "10.0.0.254", 1, IpPackets.EchoRequest()));
        graph.Lanes[0].Poll(0);
        graph.Lanes[1].PollHandoffs();

        Assert.Single(ports["p2"].Memory[0].Sent); // still the ARP request alone
        Assert.Empty(ports["p2"].Memory[1].Sent);
        Assert.Equal(2, ports["p1"].Memory[1].Sent.Count); // the ARP answer, then the echo reply
        Assert.Equal("10.0.0.254", IpPackets.Src(ports["p1"].Memory[1].Sent[1].Frame));
        Assert.Equal(1, graph.Functions[0].TotalEvents().Single(e => e.Name == "flooded").Count);
    }

    // A function that runs once, answering ARP and pings at 10.0.0.254.
    private const string DhcpServer = "dhcp: { kind: dhcp, address: 10.0.0.254/24, pool: 10.0.0.100-10.0.0.199 }";

    [Fact]
    public void A_switch_and_a_router_linked_to_each_other_both_run_an_instance_per_worker()
    {
        var yaml = SwitchLab.Replace("- [p3, sw]", "- [gw.lan, sw]\n  - [p3, gw.up]").Replace("sw: { kind: switch }",
            "sw: { kind: switch }\n  gw: { kind: router, interfaces: { lan: { address: 10.0.0.254/24 }, up: { address: 10.9.0.1/24 } } }");
        var (graph, log) = Compile(yaml, name => new QueuedMemoryPort(name, 2));
        using var _ = graph;

        Assert.Equal([2, 2], graph.Functions.Select(f => f.Instances.Count));
        Assert.Empty(log);
    }

    [Fact]
    public void Two_switches_linked_to_each_other_both_run_an_instance_per_worker_and_a_frame_stays_on_its_worker_across_them()
    {
        var yaml = SwitchLab.Replace("- [p3, sw]", "- [sw, sw2]\n  - [p3, sw2]").Replace("sw: { kind: switch }", "sw: { kind: switch }\n  sw2: { kind: switch }");
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(yaml, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        Assert.Equal([2, 2], graph.Functions.Select(f => f.Instances.Count));
        Assert.Empty(log);

        ports["p3"].Memory[1].Enqueue(Broadcast(3)); // on worker 1, through sw2 then sw
        Assert.Equal(1, graph.Lanes[1].Poll(2));

        Assert.Equal(0, graph.Lanes[0].PollHandoffs()); // nothing crossed to worker 0
        Assert.Equal([1, 1], new[] { ports["p1"], ports["p2"] }.Select(p => p.Memory[1].Sent.Count));
        Assert.Equal([0L, 1L], graph.Functions[0].Instances.Select(i => i.ProcessedPackets));
        Assert.Equal([0L, 1L], graph.Functions[1].Instances.Select(i => i.ProcessedPackets));
    }

    [Fact]
    public void A_switch_linked_to_a_switch_that_runs_once_runs_per_worker_since_its_instances_share_what_they_learn()
    {
        var yaml = SwitchLab.Replace("- [p3, sw]", "- [sw, sw2]\n  - [p3, sw2]").Replace("sw: { kind: switch }", "sw: { kind: switch }\n  sw2: { kind: switch }");
        var (graph, log) = Compile(yaml, name => name == "p3" ? new MemoryPort(name) : new QueuedMemoryPort(name, 2));
        using var _ = graph;

        Assert.Equal([2, 1], graph.Functions.Select(f => f.Instances.Count));
        Assert.Equal(["Function 'sw2' runs as one instance, not one per worker: port 'p3' has no TAP queue per worker (Nfv:MultiQueueTaps)."], log);
    }

    [Fact]
    public void A_switch_with_a_port_limit_runs_one_instance_since_the_limit_must_hold_over_the_port()
    {
        var yaml = SwitchLab.Replace("sw: { kind: switch }", "sw: { kind: switch, ports: { a: { max-macs: 2 } } }").Replace("- [p1, sw]", "- [p1, sw.a]");
        var (graph, _) = Compile(yaml, name => new QueuedMemoryPort(name, 2));
        using var __ = graph;

        Assert.Single(graph.Functions[0].Instances);
    }

    private const string RouterLab = """
        name: routed
        functions:
          gw: { kind: router, interfaces: { a: { address: 10.1.0.1/24, mac: "02:00:00:00:aa:01" }, b: { address: 10.2.0.1/24, mac: "02:00:00:00:bb:01" } } }
        ports:
          pa: { tap: ta }
          pb: { tap: tb }
        links:
          - [pa, gw.a]
          - [pb, gw.b]
        """;

    [Fact]
    public void A_router_between_ports_with_a_queue_per_worker_runs_an_instance_on_each_that_resolves_its_own_next_hops()
    {
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(RouterLab, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        var node = graph.Functions[0];
        Assert.Equal(2, node.Instances.Count);
        Assert.Empty(log);
        MacAddress routerA = MacAddress.Parse("02:00:00:00:aa:01"), routerB = MacAddress.Parse("02:00:00:00:bb:01");
        MacAddress hostA = FrameBuilder.Mac(0xa2), hostB = FrameBuilder.Mac(0xb2);

        // Worker 1 reads a datagram for 10.2.0.2: its instance asks for the next hop on its own queue of pb...
        ports["pa"].Memory[1].Enqueue(IpPackets.Ip(routerA, hostA, "10.1.0.2", "10.2.0.2", 17, IpPackets.Udp(1000, 2000)));
        Assert.Equal(1, graph.Lanes[1].Poll(0));
        var request = Assert.Single(ports["pb"].Memory[1].Sent).Frame;
        Assert.Equal(0x0806, BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(12)));
        // ...and the answer, which the kernel steers to that queue, lets it send the datagram there.
        ports["pb"].Memory[1].Enqueue(IpPackets.Arp(2, routerB, hostB, "10.2.0.2", routerB, "10.2.0.1"));
        Assert.Equal(1, graph.Lanes[1].Poll(1));

        var forwarded = ports["pb"].Memory[1].Sent[^1].Frame;
        Assert.Equal("10.2.0.2", IpPackets.Dst(forwarded));
        Assert.Equal(hostB, EthernetHeader.Destination(forwarded));
        Assert.Empty(ports["pb"].Memory[0].Sent);
        Assert.Equal(0, graph.Lanes[0].PollHandoffs());
        Assert.Empty(ArpRows(node.Instances[0]));
        Assert.Equal(["10.2.0.2"], ArpRows(node.Instances[1]));
    }

    private static IEnumerable<string> ArpRows(FunctionInstance instance) =>
        ((IInspectableFunction)instance.Function).Tables.Single(t => t.Name == "arp").Rows().Where(r => r[3] != "incomplete").Select(r => r[1]);

    [Fact]
    public void A_router_that_sends_advertisements_runs_per_worker_and_only_its_first_instance_advertises()
    {
        var yaml = RouterLab.Replace("address: 10.2.0.1/24,", "address: [10.2.0.1/24, \"2001:db8:2::1/64\"], ra: true,");
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(yaml, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var __ = graph;
        Assert.Equal(2, graph.Functions[0].Instances.Count);
        Assert.Empty(log);

        graph.Lanes[0].Tick();
        graph.Lanes[1].Tick();

        var advertisements = ports.Values.Select(p => p.Memory.Select(q => q.Sent.Count(f => IsRouterAdvertisement(f.Frame))).ToArray()).ToList();
        Assert.Equal(1, advertisements.Sum(p => p[0]));
        Assert.Equal(0, advertisements.Sum(p => p[1]));
    }

    private static bool IsRouterAdvertisement(byte[] frame) =>
        BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x86DD && frame[14 + 6] == 58 && frame[14 + 40] == 134;

    [Fact]
    public void An_apply_that_links_a_switch_run_per_worker_to_a_port_with_one_queue_builds_the_switch_anew_as_one_instance()
    {
        // Declared ports: the switch stays as it is when its third port is linked to another TAP.
        var declared = SwitchLab.Replace("sw: { kind: switch }", "sw: { kind: switch, ports: { a: {}, b: {}, c: {} } }")
            .Replace("- [p1, sw]", "- [p1, sw.a]").Replace("- [p2, sw]", "- [p2, sw.b]").Replace("- [p3, sw]", "- [p3, sw.c]");
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, _) = Compile(declared, name => ports[name] = new QueuedMemoryPort(name, 2));
        Assert.Equal(2, graph.Functions[0].Instances.Count);
        var withOneQueue = declared.Replace("p3: { tap: t3 }", "p4: { tap: t4 }").Replace("- [p3, sw.c]", "- [p4, sw.c]");
        var update = TopologyUpdate.Plan(TopologyDiff.Between(Load(declared), Load(withOneQueue)), graph);
        Assert.Equal(FunctionFate.Kept, update.FateOf(0)); // the file does not change the switch
        var log = new List<string>();

        using var replaced = update.Replace(graph, [ports["p1"], ports["p2"], new MemoryPort("p4")], new GraphOptions(), TimeProvider.System,
            new ListLoggerFactory(log), null, null);
        update.Discard(graph);

        var switches = replaced.Functions[0].Instances;
        Assert.Single(switches);
        Assert.DoesNotContain(switches[0].Function, graph.Functions[0].Instances.Select(i => i.Function));
        Assert.Contains("Function 'sw' is built anew, its state starting afresh: it ran as 2 instance(s) and now runs as 1.", log);
    }

    private const string NatLab = """
        name: natted
        functions:
          gw:
            kind: router
            interfaces:
              lan: { address: 10.1.0.1/24, mac: "02:00:00:00:aa:01" }
              wan: { address: 203.0.113.2/24, mac: "02:00:00:00:bb:01", features: [masq] }
          masq: { kind: nat }
        ports:
          pa: { tap: ta }
          pb: { tap: tb }
        links:
          - [pa, gw.lan]
          - [pb, gw.wan]
        """;

    private static readonly MacAddress RouterLan = MacAddress.Parse("02:00:00:00:aa:01"), RouterWan = MacAddress.Parse("02:00:00:00:bb:01");
    private static readonly MacAddress Inside = FrameBuilder.Mac(0xa2), Outside = FrameBuilder.Mac(0xb2);

    [Fact]
    public void A_router_holding_a_nat_runs_both_per_worker_and_each_flow_is_translated_by_the_instance_owning_its_port_whichever_worker_reads_it()
    {
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, log) = Compile(NatLab, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        Assert.Equal([2, 2], graph.Functions.Select(f => f.Instances.Count));
        Assert.DoesNotContain(log, line => line.Contains("runs as one instance", StringComparison.Ordinal));
        for (int lane = 0; lane < 2; lane++)
        {
            // Both hosts ask for the router on both queues: every router instance knows both next hops.
            ports["pa"].Memory[lane].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, Inside, "10.1.0.2", default, "10.1.0.1"));
            ports["pb"].Memory[lane].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, Outside, "203.0.113.1", default, "203.0.113.2"));
            graph.Lanes[lane].Poll(0);
            graph.Lanes[lane].Poll(1);
            ports["pa"].Memory[lane].ClearSent();
            ports["pb"].Memory[lane].ClearSent();
        }

        // 32 flows, all read by worker 0 (as the kernel steers a new flow by its own hash, not by our owner).
        var leftOn = new Dictionary<ushort, int>();
        for (ushort port = 40000; port < 40032; port++)
        {
            ports["pa"].Memory[0].Enqueue(IpPackets.Ip(RouterLan, Inside, "10.1.0.2", "203.0.113.1", 17, IpPackets.Udp(port, 53)));
            graph.Lanes[0].Poll(0);
            graph.Lanes[1].PollHandoffs();
            var (lane, frame) = Assert.Single(Enumerable.Range(0, 2).SelectMany(l => ports["pb"].Memory[l].Sent.Select(f => (l, f.Frame))));
            ports["pb"].Memory[lane].ClearSent();
            Assert.Equal("203.0.113.2", IpPackets.Src(frame));
            Assert.Equal(port, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(frame))); // the port kept
            Assert.Equal(63, IpPackets.Ttl(frame)); // decremented once, handed over or not
            leftOn[port] = lane;
        }
        // The flows spread over both instances; those another instance owns were handed to it, unchanged.
        int handed = leftOn.Count(f => f.Value == 1);
        Assert.InRange(handed, 8, 24);
        var routers = graph.Functions[0];
        Assert.Equal(handed, routers.TotalEvents().Single(e => e.Name == "handed_over").Count);
        var nats = graph.Functions[1];
        Assert.Equal([32 - handed, handed], nats.Instances.Select(i => NatRows(i).Count()));
        foreach (var (port, lane) in leftOn)
        {
            Assert.Contains($"10.1.0.2:{port}", NatRows(nats.Instances[lane]));
        }

        // Every answer is read by the worker the flow did not leave on (the kernel's steering has forgotten it): handed to
        // the owner, translated back, sent to the inside host on the owner's queue.
        foreach (var (port, lane) in leftOn)
        {
            ports["pb"].Memory[1 - lane].Enqueue(IpPackets.Ip(RouterWan, Outside, "203.0.113.1", "203.0.113.2", 17, IpPackets.Udp(53, port)));
            graph.Lanes[1 - lane].Poll(1);
            graph.Lanes[lane].PollHandoffs();
            var answer = Assert.Single(ports["pa"].Memory[lane].Sent).Frame;
            ports["pa"].Memory[lane].ClearSent();
            Assert.Empty(ports["pa"].Memory[1 - lane].Sent);
            Assert.Equal("10.1.0.2", IpPackets.Dst(answer));
            Assert.Equal(port, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(answer).Slice(2)));
        }
        Assert.Equal(handed + 32, routers.TotalEvents().Single(e => e.Name == "handed_over").Count);
        Assert.Equal(0, nats.TotalEvents().Where(e => e.Name.StartsWith("dropped", StringComparison.Ordinal)).Sum(e => e.Count));
    }

    [Fact]
    public void Router_instances_share_what_they_learn_by_arp_so_the_owner_of_a_flow_need_not_see_the_answers()
    {
        // The kernel puts a host's ARP frames on a queue of its choosing, here always worker 1's: the flow's owner,
        // worker 0, never sees an ARP answer, and needs none.
        var ports = new Dictionary<string, QueuedMemoryPort>();
        var (graph, _) = Compile(NatLab, name => ports[name] = new QueuedMemoryPort(name, 2));
        using var _ = graph;
        ports["pa"].Memory[1].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, Inside, "10.1.0.2", default, "10.1.0.1"));
        graph.Lanes[1].Poll(0); // gw@1 learns the inside host
        ports["pa"].Memory[1].ClearSent();
        var routers = graph.Functions[0];
        long Event(string name) => routers.TotalEvents().Single(e => e.Name == name).Count;

        // A flow worker 1 reads but worker 0 owns (the first port whose datagram is handed over).
        ushort port = 40000;
        for (; ; port++)
        {
            ports["pa"].Memory[1].Enqueue(IpPackets.Ip(RouterLan, Inside, "10.1.0.2", "203.0.113.1", 17, IpPackets.Udp(port, 53)));
            graph.Lanes[1].Poll(0);
            if (Event("handed_over") > 0)
            {
                break;
            }
            ports["pb"].Memory[1].ClearSent();
        }
        graph.Lanes[0].PollHandoffs(); // gw@0 asks for the outside host on its queue, and holds the datagram
        var request = Assert.Single(ports["pb"].Memory[0].Sent).Frame;
        Assert.Equal(0x0806, BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(12)));
        ports["pb"].Memory[0].ClearSent();

        ports["pb"].Memory[1].Enqueue(IpPackets.Arp(2, RouterWan, Outside, "203.0.113.1", RouterWan, "203.0.113.2")); // to worker 1
        graph.Lanes[1].Poll(1);
        graph.Lanes[0].Tick(); // gw@0's timer call: the answer gw@1 learned sends what waited
        var datagram = Assert.Single(ports["pb"].Memory[0].Sent).Frame;
        Assert.Equal(Outside, EthernetHeader.Destination(datagram));
        Assert.Equal(port, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(datagram)));

        // The answer comes back to the owner, which sends it to the inside host it never resolved itself.
        ports["pb"].Memory[0].Enqueue(IpPackets.Ip(RouterWan, Outside, "203.0.113.1", "203.0.113.2", 17, IpPackets.Udp(53, port)));
        graph.Lanes[0].Poll(1);
        Assert.Equal(Inside, EthernetHeader.Destination(Assert.Single(ports["pa"].Memory[0].Sent).Frame));
        Assert.Equal(1, Event("arp_requests")); // one request in all: no retry, none for the inside host
    }

    private static IEnumerable<string> NatRows(FunctionInstance instance) =>
        ((IInspectableFunction)instance.Function).Tables.Single(t => t.Name == "nat").Rows().Select(r => r[1]);

    [Fact]
    public void A_router_naming_a_firewall_runs_once_with_its_nat_since_the_firewall_keeps_one_table()
    {
        var yaml = NatLab.Replace("features: [masq]", "features: [masq, fw]")
            .Replace("  masq: { kind: nat }", "  masq: { kind: nat }\n  fw: { kind: firewall, rules: [ { action: allow, from: inside } ] }");
        var (graph, log) = Compile(yaml, name => new QueuedMemoryPort(name, 2));
        using var _ = graph;

        Assert.Equal([1, 1, 1], graph.Functions.Select(f => f.Instances.Count));
        Assert.Equal([
            "Function 'gw' runs as one instance, not one per worker: it names feature 'fw', which runs one instance.",
            "Function 'masq' runs as one instance, not one per worker: it is a feature of function 'gw', which runs one instance.",
        ], log.Where(line => line.Contains("runs as one instance", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_instances_of_one_function_share_what_they_ask_for_and_other_functions_do_not()
    {
        var store = new Dictionary<Type, object>();
        FunctionBuildContext Context(int instance, IDictionary<Type, object> shared) =>
            new("f", [], TimeProvider.System, new ListLoggerFactory([])) { Instance = instance, InstanceCount = 2, SharedByInstances = shared };
        int made = 0;

        var first = Context(0, store).Shared(() => new List<int> { ++made });
        var second = Context(1, store).Shared(() => new List<int> { ++made });
        var other = Context(0, new Dictionary<Type, object>()).Shared(() => new List<int> { ++made });

        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.Equal(2, made);
    }

    private sealed class ListLoggerFactory(List<string> lines) : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}

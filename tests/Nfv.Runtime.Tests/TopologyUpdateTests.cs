using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Testing;
using Nfv.Topology;

namespace Nfv.Runtime.Tests;

/// <summary>
/// nfv apply's graph side, over the shipped home-router lab in memory: which instances go on, change in place or are
/// built anew, and a replaced graph that keeps the tables of what it kept.
/// </summary>
public class TopologyUpdateTests
{
    private static readonly string Lab = File.ReadAllText(Path.Combine(Repository.Root, "topologies", "home-router.yaml"));

    private static readonly FunctionCatalog Catalog = FunctionDiscovery.Installed();

    private static ResolvedTopology Load(string yaml)
    {
        var result = TopologyLoader.LoadFromText(yaml, Path.Combine(Repository.Root, "topologies", "home-router.yaml"), Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Topology!;
    }

    private static string WithSecondForward => Lab.Replace("to: \"192.168.10.100:80\" } ]", "to: \"192.168.10.100:80\" }, { protocol: tcp, port: 2222, to: \"192.168.10.100:22\" } ]");

    private static string WithSmallerPool => Lab.Replace("pool: 192.168.10.100-192.168.10.199", "pool: 192.168.10.100-192.168.10.149");

    private static PacketGraph Compile(ResolvedTopology topology, IReadOnlyList<IFramePort> ports) =>
        TopologyCompiler.Compile(topology, ports, new PacketPool(64), options: null, TimeProvider.System, NullLoggerFactory.Instance);

    private static Dictionary<string, FunctionFate> Fates(TopologyUpdate update) =>
        update.Diff.Next.Functions.Select((f, i) => (f.Name, Fate: update.FateOf(i))).ToDictionary(p => p.Name, p => p.Fate);

    [Fact]
    public void A_new_port_forward_and_pool_change_their_functions_in_place_and_keep_everything_else()
    {
        var running = Load(Lab);
        using var graph = Compile(running, [.. running.Ports.Select(p => new MemoryPort(p.Name))]);

        var update = TopologyUpdate.Plan(TopologyDiff.Between(running, Load(WithSecondForward.Replace(
            "pool: 192.168.10.100-192.168.10.199", "pool: 192.168.10.100-192.168.10.149"))), graph);

        Assert.Equal(new Dictionary<string, FunctionFate>
        {
            ["lan"] = FunctionFate.Kept, ["gw"] = FunctionFate.Kept, ["masq"] = FunctionFate.Reconfigured, ["dhcp"] = FunctionFate.Reconfigured,
        }, Fates(update));
        Assert.Equal([
            "~ function masq: nat, settings: forwards (changed in place, its state kept where it fits)",
            "~ function dhcp: dhcp, settings: pool (changed in place, its state kept where it fits)",
        ], update.Describe());
    }

    [Fact]
    public void A_nat_whose_table_changes_is_rebuilt_and_so_is_the_router_that_holds_it()
    {
        var running = Load(Lab);
        using var graph = Compile(running, [.. running.Ports.Select(p => new MemoryPort(p.Name))]);

        var update = TopologyUpdate.Plan(TopologyDiff.Between(running, Load(Lab.Replace("masq: { kind: nat,", "masq: { kind: nat, ports: 20000-30000,"))),
            graph);

        Assert.Equal(FunctionFate.Rebuilt, Fates(update)["masq"]);
        Assert.Equal(FunctionFate.Rebuilt, Fates(update)["gw"]);
        Assert.Equal(FunctionFate.Kept, Fates(update)["lan"]);
        Assert.Contains("~ function gw: router, unchanged (rebuilt, its state starts afresh: it shares features with a function that is)", update.Describe());
    }

    [Fact]
    public void The_replaced_graph_runs_the_same_instances_with_their_tables_and_counters()
    {
        var running = Load(Lab);
        var ports = running.Ports.Select(p => new MemoryPort(p.Name)).ToArray();
        using var graph = Compile(running, ports);
        ports[0].Enqueue(FrameBuilder.Ethernet(FrameBuilder.Mac(0xFF), FrameBuilder.Mac(0x11)));
        graph.Poll(0); // lan learns the sender on lan1, floods to lan2 and the rest
        var mac = Table(graph, "lan", "mac");
        long processed = graph.Functions[0].ProcessedPackets;
        var next = Load(WithSmallerPool);
        var update = TopologyUpdate.Plan(TopologyDiff.Between(running, next), graph);

        using var replaced = update.Replace(graph, ports, new GraphOptions(), TimeProvider.System, NullLoggerFactory.Instance, null, null);
        update.Discard(graph);

        Assert.All(Enumerable.Range(0, 4), i => Assert.Same(graph.Functions[i].Function, replaced.Functions[i].Function));
        Assert.Equal(mac, Table(replaced, "lan", "mac"));
        Assert.Equal(processed, replaced.Functions[0].ProcessedPackets);
        ports[1].ClearSent();
        ports[1].Enqueue(FrameBuilder.Ethernet(FrameBuilder.Mac(0x11), FrameBuilder.Mac(0x12)));
        replaced.Poll(1);
        Assert.Single(ports[0].Sent); // known: sent to lan1 alone, not flooded
    }

    [Fact]
    public void When_a_function_cannot_start_the_ones_changed_in_place_get_their_old_settings_back()
    {
        var running = Load(Lab);
        var ports = running.Ports.Select(p => new MemoryPort(p.Name)).ToArray();
        using var graph = Compile(running, ports);
        // A second DHCP server, whose lease file cannot be made: its state folder is a file.
        var next = Load(WithSecondForward.Replace("ports:\n", "  dhcp2: { kind: dhcp, address: 192.168.10.3/24, pool: 192.168.10.200-192.168.10.210 }\nports:\n")
            .Replace("  - [dhcp, lan]", "  - [dhcp, lan]\n  - [dhcp2, lan]"));
        var update = TopologyUpdate.Plan(TopologyDiff.Between(running, next), graph);
        string notAFolder = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<TopologyUpdateException>(() =>
                update.Replace(graph, ports, new GraphOptions(), TimeProvider.System, NullLoggerFactory.Instance, null, notAFolder));

            Assert.Contains("dhcp2", error.Message);
            var masq = (Functions.Nat.NatFunction)graph.Functions[2].Function;
            Assert.Single(masq.Options.Forwards); // the forward it was given is taken back
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    private static List<string> Table(PacketGraph graph, string function, string table) =>
        [.. ((IInspectableFunction)graph.Functions.Single(f => f.Name == function).Function).Tables.Single(t => t.Name == table)
            .Rows().Select(r => string.Join(" ", r))];
}

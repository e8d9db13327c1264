using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Host.Tests;

/// <summary>
/// The labs in topologies/ as a user gets them: each loads cleanly, and compiled over in-memory ports
/// (no root, no TAPs) they forward as their header comments promise.
/// </summary>
public class ShippedTopologyTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "topologies");

    public static TheoryData<string> Files() => new(System.IO.Directory.GetFiles(Directory, "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_topology_loads_without_errors_or_warnings(string file)
    {
        var result = TopologyLoader.Load(Path.Combine(Directory, file), BuiltInFunctions.CreateCatalog());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void The_default_topology_in_appsettings_is_shipped_and_matches_the_built_in_default()
    {
        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        var topology = settings.RootElement.GetProperty("Nfv").GetProperty("Topology").GetString()!;

        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, topology)), $"appsettings.json names '{topology}', which is not in topologies/");
        Assert.Equal(new NfvOptions().Topology, topology);
    }

    [Fact]
    public void Vlan_trunk_lab_keeps_red_and_blue_apart_across_the_trunk()
    {
        var (topology, ports, graph) = Compile("vlan-trunk.yaml");
        var red1 = ports[Index(topology, "red1")];
        var red2 = ports[Index(topology, "red2")];
        var blue1 = ports[Index(topology, "blue1")];
        var blue2 = ports[Index(topology, "blue2")];

        // An ARP-style broadcast from red1 crosses east, the tagged trunk and west, and leaves untagged at red2 only.
        var broadcast = FrameBuilder.Ethernet(MacAddress.Broadcast, FrameBuilder.Mac(1), 46, 0x0806);
        red1.Enqueue(broadcast);
        graph.Poll(Index(topology, "red1"));

        var (frame, _) = Assert.Single(red2.Sent);
        Assert.Equal(broadcast, frame);
        Assert.Empty(blue1.Sent);
        Assert.Empty(blue2.Sent);
        Assert.Empty(red1.Sent);
        Assert.Equal(graph.Pool.Capacity, graph.Pool.Available);
    }

    [Fact]
    public void Switch_lab_learns_and_forwards_unicast_to_one_host()
    {
        var (topology, ports, graph) = Compile("switch-lab.yaml");
        var h1 = FrameBuilder.Mac(1);
        var h2 = FrameBuilder.Mac(2);
        int lan1 = Index(topology, "lan1"), lan2 = Index(topology, "lan2"), lan3 = Index(topology, "lan3");

        ports[lan2].Enqueue(FrameBuilder.Ethernet(MacAddress.Broadcast, h2, 46, 0x0806));
        graph.Poll(lan2);
        ports[lan1].ClearSent();
        ports[lan3].ClearSent();
        ports[lan1].Enqueue(FrameBuilder.Ethernet(h2, h1));
        graph.Poll(lan1);

        Assert.Single(ports[lan2].Sent);
        Assert.Empty(ports[lan3].Sent);
    }

    private static int Index(ResolvedTopology topology, string port) =>
        topology.Ports.Select((p, i) => (p, i)).Single(x => x.p.Name == port).i;

    private static (ResolvedTopology, MemoryPort[], Dataplane.Graph.PacketGraph) Compile(string file)
    {
        var result = TopologyLoader.Load(Path.Combine(Directory, file), BuiltInFunctions.CreateCatalog());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var topology = result.Topology!;
        var ports = topology.Ports.Select(p => new MemoryPort(p.Name)).ToArray();
        var graph = TopologyRuntime.Compile(topology, ports, new NfvOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        return (topology, ports, graph);
    }
}

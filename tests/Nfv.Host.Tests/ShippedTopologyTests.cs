using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Ports;
using Nfv.Functions.Router;
using Nfv.Host.Commands;
using Nfv.Runtime;
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
        var result = TopologyLoader.Load(Path.Combine(Directory, file), FunctionDiscovery.Installed());
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
    public void The_default_workers_follow_the_cores_each_with_a_tap_queue_and_batched_io_in_appsettings_and_built_in()
    {
        var options = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
            .Build().GetSection(NfvOptions.Section).Get<NfvOptions>()!;
        var builtIn = new NfvOptions();

        Assert.Equal((0, true, true), (options.Workers, options.MultiQueueTaps, options.BatchedTapIo));
        Assert.Equal((options.Workers, options.MultiQueueTaps, options.BatchedTapIo), (builtIn.Workers, builtIn.MultiQueueTaps, builtIn.BatchedTapIo));
        // What 0 gives on four cores: SwitchLabTests, with DOTNET_PROCESSOR_COUNT=4 (two workers).
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

    [Fact]
    public void Router_nat_lab_shows_the_lan_as_the_external_address_and_forwards_8080_to_h2()
    {
        var (topology, ports, graph) = Compile("router-nat.yaml");
        int h1Port = Index(topology, "nat-h1"), h2Port = Index(topology, "nat-h2"), uplink = Index(topology, "uplink");
        var h1 = FrameBuilder.Mac(1);
        var h2 = FrameBuilder.Mac(2);
        var internet = FrameBuilder.Mac(3);
        var gwLan = RouterInterface.DefaultMac("gw", "lan");
        var gwWan = RouterInterface.DefaultMac("gw", "wan");
        // Everyone introduces themselves to the router (ARP requests for its addresses).
        ports[h1Port].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, h1, "192.168.10.10", default, "192.168.10.1"));
        graph.Poll(h1Port);
        ports[h2Port].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, h2, "192.168.10.11", default, "192.168.10.1"));
        graph.Poll(h2Port);
        ports[uplink].Enqueue(IpPackets.Arp(1, MacAddress.Broadcast, internet, "203.0.113.1", default, "203.0.113.2"));
        graph.Poll(uplink);
        foreach (var port in ports)
        {
            port.ClearSent();
        }

        ports[h1Port].Enqueue(IpPackets.WithL4Checksum(IpPackets.Ip(gwLan, h1, "192.168.10.10", "203.0.113.1", 17, IpPackets.Udp(40000, 53))));
        graph.Poll(h1Port);
        var (outside, _) = Assert.Single(ports[uplink].Sent);
        Assert.Equal("203.0.113.2", IpPackets.Src(outside));

        ports[uplink].Enqueue(IpPackets.WithL4Checksum(IpPackets.Ip(gwWan, internet, "203.0.113.1", "203.0.113.2", 6, IpPackets.Tcp(0, 50000, 8080, flags: 0x02))));
        graph.Poll(uplink);
        var (forwarded, _) = Assert.Single(ports[h2Port].Sent);
        Assert.Equal("192.168.10.11", IpPackets.Dst(forwarded));
        Assert.Equal(80, forwarded[14 + 20 + 2] << 8 | forwarded[14 + 20 + 3]);
        Assert.Equal(graph.Pool.Capacity, graph.Pool.Available);
    }

    private static int Index(ResolvedTopology topology, string port) =>
        topology.Ports.Select((p, i) => (p, i)).Single(x => x.p.Name == port).i;

    private static (ResolvedTopology, MemoryPort[], Dataplane.Graph.PacketGraph) Compile(string file)
    {
        var result = TopologyLoader.Load(Path.Combine(Directory, file), FunctionDiscovery.Installed());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var topology = result.Topology!;
        var ports = topology.Ports.Select(p => new MemoryPort(p.Name)).ToArray();
        var graph = TopologyCompiler.Compile(topology, ports, new PacketPool(512), options: null, TimeProvider.System, NullLoggerFactory.Instance);
        return (topology, ports, graph);
    }
}

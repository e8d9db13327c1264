using Nfv.Host.Commands;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Tests;

public class GraphCommandTests
{
    private static ResolvedTopology Load(string file) =>
        TopologyLoader.Load(Path.Combine(AppContext.BaseDirectory, "topologies", file), FunctionDiscovery.Installed()).Topology!;

    [Fact]
    public void Dot_draws_every_function_port_host_and_link_with_the_port_names_at_the_ends()
    {
        var dot = GraphCommand.Dot(Load("vlan-trunk.yaml"));

        Assert.StartsWith("graph \"vlan-trunk\" {", dot);
        Assert.Contains("\"f:east\" [label=\"east\\n(switch)\"", dot);
        Assert.Contains("\"p:red1\" [label=\"red1\\ntap nfv-red1\"", dot);
        Assert.Contains("\"h:blue2\" -- \"p:blue2\"", dot);
        Assert.Contains("\"f:east\" -- \"f:west\" [taillabel=\"up\", headlabel=\"up\"]", dot);
        Assert.Equal(5 + 4, dot.Split('\n').Count(l => l.Contains(" -- ")));
        Assert.EndsWith("}\n", dot.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Mermaid_is_a_flowchart_with_one_edge_per_link_and_host()
    {
        var mermaid = GraphCommand.Mermaid(Load("switch-lab.yaml"));

        Assert.StartsWith("flowchart LR", mermaid);
        Assert.Contains("f_lan[\"lan (switch)\"]", mermaid);
        Assert.Contains("p_lan1 ---|\"lan1\"| f_lan", mermaid);
        Assert.Equal(3, mermaid.Split('\n').Count(l => l.Contains(" -.- ")));
    }

    [Fact]
    public void A_nat_is_drawn_dotted_from_the_router_that_names_it()
    {
        var result = TopologyLoader.LoadFromText("""
            functions:
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.0.0.1/24 }
                  wan: { address: 192.0.2.1/24, features: [masq] }
              masq: { kind: nat }
            ports:
              a: { tap: nfv-a }
              b: { tap: nfv-b }
            links:
              - [a, gw.lan]
              - [b, gw.wan]
            """, "nat.yaml", FunctionDiscovery.Installed());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Contains("  \"f:gw\" -- \"f:masq\" [style=dotted, label=\"nat\"];", GraphCommand.Dot(result.Topology!));
        Assert.Contains("  f_gw -.-|\"nat\"| f_masq", GraphCommand.Mermaid(result.Topology!));
    }

    [Fact]
    public void A_topology_split_over_nodes_draws_each_node_as_a_cluster_of_what_runs_there()
    {
        var result = TopologyLoader.LoadFromText("""
            nodes:
              a: { address: 10.87.0.1 }
              b: { address: 10.87.0.2 }
            functions:
              lan: { kind: switch, node: a }
              gw:
                kind: router
                node: b
                interfaces:
                  lan: { address: 192.168.77.1/24 }
                  wan: { address: 203.0.113.2/24, features: [masq] }
              masq: { kind: nat }
            ports:
              l1: { tap: nfv-l1, node: a }
              uplink: { tap: nfv-up, node: b }
            links:
              - [l1, lan]
              - [gw.lan, lan]
              - [gw.wan, uplink]
            hosts:
              h1: { port: l1, address: 192.168.77.10/24, gateway: 192.168.77.1 }
            """, "split.yaml", FunctionDiscovery.Installed());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var dot = GraphCommand.Dot(result.Topology!);
        Assert.Contains("  subgraph \"cluster_a\" { label=\"node a (10.87.0.1)\"; style=dashed; \"f:lan\"; \"p:l1\"; \"h:h1\"; }", dot);
        Assert.Contains("  subgraph \"cluster_b\" { label=\"node b (10.87.0.2)\"; style=dashed; \"f:gw\"; \"f:masq\"; \"p:uplink\"; }", dot);
        Assert.Contains("  subgraph node_b [\"node b (10.87.0.2)\"]\n    f_gw\n    f_masq\n    p_uplink\n  end", GraphCommand.Mermaid(result.Topology!).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_dhcp_host_is_drawn_with_the_client_it_asks_with()
    {
        var topology = TopologyLoader.LoadFromText("""
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: nfv-p1 }
              p2: { tap: nfv-p2 }
            links: [ [p1, lan], [p2, lan] ]
            hosts:
              h1: { port: p1, address: dhcp, dhcp-client: udhcpc }
              h2: { port: p2, address: dhcp }
            """, "dhcp.yaml", FunctionDiscovery.Installed()).Topology!;

        var dot = GraphCommand.Dot(topology);
        var mermaid = GraphCommand.Mermaid(topology);

        Assert.Contains("\"h:h1\" [label=\"h1\\ndhcp (udhcpc)\", shape=note];", dot);
        Assert.Contains("\"h:h2\" [label=\"h2\\ndhcp (auto)\", shape=note];", dot);
        Assert.Contains("h_h1>\"h1 dhcp (udhcpc)\"] -.- p_p1", mermaid);
    }
}

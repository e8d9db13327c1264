using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Tests;

/// <summary>
/// A topology split over machines (<c>nodes:</c>, <c>node:</c>): each node's part keeps what runs there, and every link
/// between two nodes becomes the same tunnel seen from both ends.
/// </summary>
public class NodeTests
{
    private const string Split = """
        nodes:
          a: { address: 192.0.2.1 }
          b: { address: 192.0.2.2 }
        functions:
          lan: { kind: switch, node: a }
          dhcp: { kind: dhcp, node: a }
          gw:
            kind: router
            node: b
            interfaces:
              lan: { address: 10.0.0.1/24 }
              wan: { address: 203.0.113.2/24, features: [masq] }
          masq: { kind: nat }
        ports:
          h1: { tap: nfv-h1, node: a }
          up: { tap: nfv-up, node: b }
        links:
          - [h1, lan]
          - [dhcp, lan]
          - [gw.lan, lan]
          - [gw.wan, up]
        hosts:
          host1: { port: h1, address: 10.0.0.10/24 }
          internet: { port: up, address: 203.0.113.1/24 }
        """;

    private static TopologyLoadResult Load(string yaml) => TopologyLoader.LoadFromText(yaml, "lab.yaml", FakeFunctions.CatalogWithFeatures());

    [Fact]
    public void Each_node_runs_its_part_and_a_link_between_nodes_is_one_tunnel_seen_from_both_ends()
    {
        var result = Load(Split);
        Fixture.AssertDiagnostics(result);
        var topology = result.Topology!;
        Assert.Equal(["a", "b"], topology.Nodes.Select(n => n.Name));
        Assert.Equal("b", topology.Functions.Single(f => f.Name == "masq").Node); // a feature follows its router

        var a = TopologyNodes.PartFor(topology, "a");
        Assert.Equal(["lan", "dhcp"], a.Functions.Select(f => f.Name));
        Assert.Equal(["h1", "link-3-b"], a.Ports.Select(p => p.Name));
        Assert.Equal(["host1"], a.Hosts.Select(h => h.Name));
        Assert.Equal(["h1 <-> lan.h1", "dhcp.eth <-> lan.dhcp", "lan.gw.lan <-> link-3-b (to gw.lan on b)"], a.Links.Select(l => l.ToString()));
        var toB = a.Ports[1].Vxlan!;
        Assert.Equal(("192.0.2.2", "192.0.2.1", 10_000u, (ushort)4789), (toB.Remotes.Single().ToString(), toB.Local.ToString(), toB.Vni, toB.Port));

        var b = TopologyNodes.PartFor(topology, "b");
        Assert.Equal(["gw", "masq"], b.Functions.Select(f => f.Name));
        Assert.Equal(["up", "link-3-a"], b.Ports.Select(p => p.Name));
        Assert.Equal(["internet"], b.Hosts.Select(h => h.Name));
        Assert.Equal(0, b.Hosts[0].PortIndex);
        Assert.Equal(["gw.lan <-> link-3-a (to lan.gw.lan on a)", "gw.wan <-> up"], b.Links.Select(l => l.ToString()));
        var toA = b.Ports[1].Vxlan!;
        Assert.Equal(("192.0.2.1", "192.0.2.2", 10_000u, (ushort)4789), (toA.Remotes.Single().ToString(), toA.Local.ToString(), toA.Vni, toA.Port));
        Assert.Equal(("lab-a", "lab-b"), (a.Name, b.Name)); // each part keeps its state apart
    }

    [Fact]
    public void Asking_for_a_node_the_topology_does_not_have_says_which_it_has()
    {
        var topology = Load(Split).Topology!;
        var error = Assert.Throws<ArgumentException>(() => TopologyNodes.PartFor(topology, "c"));
        Assert.Contains("has no node 'c'; its nodes are a, b", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lan: { kind: switch, node: a }", "lan: { kind: switch }", "lab.yaml(5,3): error NFV0113: function 'lan' needs 'node:'")]
    [InlineData("lan: { kind: switch, node: a }", "lan: { kind: switch, node: c }", "lab.yaml(5,30): error NFV0113: function 'lan' names node 'c', which is not under 'nodes:' (a, b)")]
    [InlineData("masq: { kind: nat }", "masq: { kind: nat, node: a }", "lab.yaml(13,3): error NFV0113: function 'masq' is a feature of 'gw', which runs on node 'b', not 'a'")]
    [InlineData("h1: { tap: nfv-h1, node: a }", "h1: { tap: nfv-h1 }", "lab.yaml(15,3): error NFV0113: port 'h1' needs 'node:'")]
    [InlineData("a: { address: 192.0.2.1 }", "a: { address: 192.0.2.2 }", "lab.yaml(3,3): error NFV0103: node 'b' has the address of node 'a'")]
    public void A_wrong_node_is_an_error_at_its_line_and_column(string right, string wrong, string expected)
    {
        var result = Load(Split.Replace(right, wrong, StringComparison.Ordinal));
        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_named_without_a_nodes_section_is_an_error()
    {
        var result = Load("""
            functions:
              sw: { kind: switch, node: a }
            ports:
              p1: { tap: nfv-p1 }
            links:
              - [p1, sw]
            """);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.BadNode && d.Message.Contains("has no 'nodes:' section", StringComparison.Ordinal));
    }
}

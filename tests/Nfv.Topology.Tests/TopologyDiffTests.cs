namespace Nfv.Topology.Tests;

/// <summary>What <c>nfv apply</c> plans: the differences between a running topology and its file, by name.</summary>
public class TopologyDiffTests
{
    private const string Lab = """
        name: home
        functions:
          lan: { kind: switch }
          gw:
            kind: router
            interfaces:
              lan: { address: 192.168.10.1/24 }
              wan: { address: 203.0.113.2/24, features: [masq] }
          masq: { kind: nat, external: 203.0.113.2 }
        ports:
          lan1: { tap: nfv-lan1 }
          lan2: { tap: nfv-lan2 }
          uplink: { tap: nfv-wan }
        links:
          - [lan1, lan]
          - [lan2, lan]
          - [gw.lan, lan]
          - [gw.wan, uplink]
        hosts:
          h1: { port: lan1, address: dhcp }
          h2: { port: lan2, address: 192.168.10.20/24 }
          internet: { port: uplink, address: 203.0.113.1/24 }
        """;

    private static ResolvedTopology Load(string yaml)
    {
        var result = TopologyLoader.LoadFromText(yaml, "home.yaml", FakeFunctions.CatalogWithFeatures());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Topology!;
    }

    [Fact]
    public void The_same_file_again_changes_nothing_and_keeps_everything()
    {
        var diff = TopologyDiff.Between(Load(Lab), Load(Lab));

        Assert.True(diff.IsEmpty);
        Assert.Empty(diff.Changes);
        Assert.All(Enumerable.Range(0, diff.Next.Functions.Count), i => Assert.Equal(FunctionChange.None, diff.FunctionChangeOf(i)));
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(diff.PortBefore));
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(diff.IsHostKept(i)));
        Assert.Empty(diff.RemovedHosts);
        Assert.Empty(diff.AddedPorts);
    }

    [Fact]
    public void Key_order_comments_and_layout_are_not_changes()
    {
        string rewritten = Lab.Replace("masq: { kind: nat, external: 203.0.113.2 }", "masq:   # the NAT\n    external: 203.0.113.2\n    kind: nat");

        Assert.True(TopologyDiff.Between(Load(Lab), Load(rewritten)).IsEmpty);
    }

    [Fact]
    public void A_new_host_and_port_a_changed_setting_and_a_removed_link_are_each_one_line()
    {
        string next = Lab
            .Replace("masq: { kind: nat, external: 203.0.113.2 }", "masq: { kind: nat, external: 203.0.113.2, ports: 2000-3000 }")
            .Replace("  - [lan2, lan]\n", "")
            .Replace("  lan2: { tap: nfv-lan2 }\n", "")
            .Replace("  uplink: { tap: nfv-wan }", "  uplink: { tap: nfv-wan }\n  lan3: { tap: nfv-lan3 }")
            .Replace("  - [gw.wan, uplink]", "  - [gw.wan, uplink]\n  - [lan3, lan]")
            .Replace("  internet:", "  h3: { port: lan3, address: dhcp }\n  internet:")
            .Replace("  h2: { port: lan2, address: 192.168.10.20/24 }\n", "");

        var diff = TopologyDiff.Between(Load(Lab), Load(next));

        Assert.Equal([
            "~ function lan: switch, ports: lan1 lan2 gw.lan -> lan1 gw.lan lan3",
            "~ function masq: nat, settings: ports",
            "+ port lan3: tap nfv-lan3",
            "- port lan2: tap nfv-lan2",
            "+ link lan3 <-> lan.lan3",
            "- link lan2 <-> lan.lan2",
            "+ host h3: dhcp on port lan3",
            "- host h2: 192.168.10.20/24",
        ], diff.Changes.Select(c => c.ToString()));
        Assert.Equal(FunctionChange.Ports, diff.FunctionChangeOf(0));
        Assert.Equal(FunctionChange.None, diff.FunctionChangeOf(1)); // the router names masq; the diff leaves that to the runtime
        Assert.Equal(FunctionChange.Settings, diff.FunctionChangeOf(2));
        Assert.Equal([0, 2, -1], Enumerable.Range(0, 3).Select(diff.PortBefore)); // lan1, uplink kept; lan3 new
        Assert.Equal([1], diff.RemovedPorts);
        Assert.Equal([2], diff.AddedPorts);
        Assert.Equal(["h2"], diff.RemovedHosts.Select(h => h.Name));
        Assert.Equal(["h3"], diff.AddedHosts.Select(h => h.Name));
        Assert.Empty(diff.Refusals);
    }

    [Fact]
    public void A_host_set_up_differently_is_made_anew_and_so_is_one_whose_port_is()
    {
        string next = Lab
            .Replace("h2: { port: lan2, address: 192.168.10.20/24 }", "h2: { port: lan2, address: 192.168.10.21/24 }")
            .Replace("uplink: { tap: nfv-wan }", "uplink: { tap: nfv-wan2 }");

        var diff = TopologyDiff.Between(Load(Lab), Load(next));

        Assert.Equal([
            "~ port uplink: tap nfv-wan -> tap nfv-wan2, made anew",
            "~ host h2: 192.168.10.21/24 on port lan2, made anew",
            "~ host internet: 203.0.113.1/24 on port uplink, made anew",
        ], diff.Changes.Select(c => c.ToString()));
        Assert.Equal(["h2", "internet"], diff.RemovedHosts.Select(h => h.Name));
        Assert.Equal(["h2", "internet"], diff.AddedHosts.Select(h => h.Name));
        Assert.Equal([2], diff.RemovedPorts);
        Assert.True(diff.IsHostKept(0));
    }

    [Fact]
    public void A_function_of_another_kind_under_a_kept_name_replaces_it()
    {
        string next = Lab.Replace("lan: { kind: switch }", "lan: { kind: firewall }")
            .Replace("  - [lan1, lan]\n  - [lan2, lan]\n  - [gw.lan, lan]\n", "  - [lan1, lan.inside]\n  - [lan.outside, gw.lan]\n")
            .Replace("  h2: { port: lan2, address: 192.168.10.20/24 }\n", "")
            .Replace("  lan2: { tap: nfv-lan2 }\n", "");

        var diff = TopologyDiff.Between(Load(Lab), Load(next));

        Assert.Equal(FunctionChange.Added, diff.FunctionChangeOf(0));
        Assert.Equal(-1, diff.FunctionBefore(0));
        Assert.Contains("+ function lan: firewall, replacing the switch of that name", diff.Changes.Select(c => c.ToString()));
        Assert.DoesNotContain(diff.Changes, c => c.Kind == ChangeKind.Removed && c.Element == "function");
    }

    [Fact]
    public void Another_name_is_another_lab_and_is_refused()
    {
        var diff = TopologyDiff.Between(Load(Lab), Load(Lab.Replace("name: home", "name: office")));

        Assert.False(diff.IsEmpty);
        Assert.Equal(["the topology's name changes from 'home' to 'office': that is another lab (stop this one and run it)"], diff.Refusals);
    }

    [Fact]
    public void A_changed_capture_is_reported_for_the_next_start()
    {
        string next = Lab.Replace("  - [gw.wan, uplink]", "  - { endpoints: [gw.wan, uplink], capture: wan.pcap }");

        var change = Assert.Single(TopologyDiff.Between(Load(Lab), Load(next)).Changes);

        Assert.StartsWith("~ link gw.wan <-> uplink: capture none -> ", change.ToString());
        Assert.EndsWith("wan.pcap, which takes effect when nfv next starts", change.ToString());
    }
}

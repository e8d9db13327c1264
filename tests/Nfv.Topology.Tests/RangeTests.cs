using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Tests;

/// <summary>
/// Many similar things written once: <c>"h[1-100]"</c> keys and <c>links:</c> items expand before anything is checked,
/// each range in step with its entry's, and every error still points at what the user wrote.
/// </summary>
public class RangeTests
{
    private const string Lab = """
        name: many
        functions:
          sw: { kind: switch }
        ports:
          "p[1-100]": { tap: "nfv-p[1-100]" }
        links:
          - ["p[1-100]", sw]
        hosts:
          "h[1-100]": { port: "p[1-100]", address: "10.0.0.[10-109]/24" }
        """;

    [Fact]
    public void A_hundred_hosts_written_once_become_a_hundred_in_step()
    {
        var result = Fixture.Text(Lab);

        Fixture.AssertDiagnostics(result);
        var t = result.Topology!;
        Assert.Equal(100, t.Hosts.Count);
        Assert.Equal(100, t.Ports.Count);
        Assert.Equal(100, t.Links.Count);
        Assert.Equal(("h1", "p1", "nfv-p1", "10.0.0.10/24"), (t.Hosts[0].Name, t.Ports[t.Hosts[0].PortIndex].Name, t.Ports[t.Hosts[0].PortIndex].TapName, t.Hosts[0].Address.ToString()));
        Assert.Equal(("h100", "p100", "10.0.0.109/24"), (t.Hosts[99].Name, t.Ports[t.Hosts[99].PortIndex].Name, t.Hosts[99].Address.ToString()));
        Assert.Equal("p57 <-> sw.p57", t.Links[56].ToString());
        // Every expanded host is declared where its range is written.
        Assert.All(t.Hosts, h => Assert.Equal(new SourceSpan("lab.yaml", 9, 3), h.Span));
    }

    [Fact]
    public void A_leading_zero_keeps_the_width()
    {
        var result = Fixture.Text(Lab.Replace("p[1-100]", "p[001-100]", StringComparison.Ordinal));

        Fixture.AssertDiagnostics(result);
        Assert.Equal(["p001", "p002"], result.Topology!.Ports.Take(2).Select(p => p.Name));
        Assert.Equal("nfv-p001", result.Topology.Ports[0].TapName);
        Assert.Equal("p100", result.Topology.Ports[99].Name);
    }

    [Fact]
    public void A_range_out_of_step_is_reported_where_it_is_written()
    {
        var result = Fixture.Text(Lab.Replace("port: \"p[1-100]\"", "port: \"p[1-99]\"", StringComparison.Ordinal));

        Fixture.AssertDiagnostics(result,
            "lab.yaml(9,23): error NFV0115: 'p[1-99]' has 99 values, but 'h[1-100]' (at lab.yaml(9,3)) makes 100 entries; each range of an entry gives one value to each");
    }

    [Fact]
    public void Ranges_that_count_down_or_go_on_for_ever_are_refused()
    {
        var down = Fixture.Text(Lab.Replace("\"h[1-100]\"", "\"h[100-1]\"", StringComparison.Ordinal));
        var huge = Fixture.Text(Lab.Replace("- [\"p[1-100]\", sw]", "- [\"p[1-9999999]\", sw]", StringComparison.Ordinal));

        Assert.Contains("lab.yaml(9,3): error NFV0115: range [100-1] in 'h[100-1]' counts down; write the lower number first ([1-100])",
            down.Diagnostics.Select(d => d.ToString()));
        Assert.Contains("lab.yaml(7,6): error NFV0115: range [1-9999999] in 'p[1-9999999]' makes 9999999 entries; at most 65536 are allowed",
            huge.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Nested_ranges_that_would_fill_memory_are_one_error()
    {
        var result = Fixture.Text("functions:\n  \"sw[1-60000]\": { kind: switch, ports: { \"a[1-60000]\": { vlan: 2 } } }\n");

        var error = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.BadRange);
        Assert.Equal("lab.yaml(2,3): error NFV0115: the ranges of this file make more than 2000000 values in all (nested ranges multiply); write fewer", error.ToString());
    }

    [Fact]
    public void An_address_range_crosses_octets()
    {
        var result = Fixture.Text(Lab.Replace("\"h[1-100]\"", "\"h[1-300]\"", StringComparison.Ordinal)
            .Replace("[1-100]", "[1-300]", StringComparison.Ordinal).Replace("10.0.0.[10-109]/24", "[10.0.0.250-10.0.2.37]/16", StringComparison.Ordinal));

        Fixture.AssertDiagnostics(result);
        var hosts = result.Topology!.Hosts;
        Assert.Equal(["10.0.0.250/16", "10.0.0.255/16", "10.0.1.0/16", "10.0.2.37/16"],
            new[] { hosts[0], hosts[5], hosts[6], hosts[299] }.Select(h => h.Address.ToString()));
        Assert.Contains("lab.yaml(9,3): error NFV0115: range [10.0.0.1-10.0.0.300] in '[10.0.0.1-10.0.0.300]' must go from a number to a number ([1-100]) or from an IPv4 address to one ([10.0.0.10-10.0.3.241])",
            Fixture.Text("hosts:\n  x: {}\n  y: {}\n  z: {}\n  w: {}\n  v: {}\n  u: {}\n  t: {}\n  \"[10.0.0.1-10.0.0.300]\": {}\n").Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_value_a_range_makes_wrong_is_reported_at_the_range()
    {
        var result = Fixture.Text(Lab.Replace("10.0.0.[10-109]/24", "10.0.0.[200-299]/24", StringComparison.Ordinal));

        Assert.False(result.Succeeded);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal(45, errors.Count); // 10.0.0.255, the broadcast address, and 10.0.0.256 to 10.0.0.299
        Assert.All(errors, e => Assert.Equal(new SourceSpan("lab.yaml", 9, 44), e.Span));
        Assert.Contains(errors, e => e.Message.Contains("10.0.0.256/24", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_made_twice_is_reported_with_both_places()
    {
        var result = Fixture.Text(Lab + "\n  h7: { port: p7, address: 10.0.0.99/24 }\n");

        Assert.Contains("lab.yaml(10,3): error NFV0103: 'h7' is declared twice: at lab.yaml(9,3) by 'h[1-100]' and here",
            result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_range_under_a_plain_key_is_left_as_written()
    {
        var result = Fixture.Text("""
            functions:
              sw: { kind: switch }
            ports:
              p1: { tap: nfv-p1 }
            links:
              - [p1, sw]
            hosts:
              h1: { port: p1, address: 10.0.0.1/24, exec: ["ls /sys/class/net/eth[0-1]"] }
            """);

        Fixture.AssertDiagnostics(result);
        Assert.Equal(["ls /sys/class/net/eth[0-1]"], result.Topology!.Hosts[0].Exec);
    }

    [Fact]
    public void The_expanded_file_written_back_reads_as_the_same_topology()
    {
        var diagnostics = new DiagnosticBag();
        var expanded = ConfigYaml.Write(TopologyLoader.ParseExpanded(Lab, "lab.yaml", diagnostics)!);

        Assert.False(diagnostics.HasErrors);
        Assert.Contains("  h42: { port: p42, address: 10.0.0.51/24 }\n", expanded);
        var again = Fixture.Text(expanded, "expanded.yaml");
        Fixture.AssertDiagnostics(again);
        var before = Fixture.Text(Lab).Topology!;
        Assert.Equal(before.Hosts.Select(h => (h.Name, h.Address)), again.Topology!.Hosts.Select(h => (h.Name, h.Address)));
        Assert.Equal(before.Links.Select(l => l.ToString()), again.Topology.Links.Select(l => l.ToString()));
    }
}

using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>What <c>nfv show firewall</c> and <c>nfv show conntrack</c> print, and the events the metrics export.</summary>
public class InspectionTests
{
    [Fact]
    public void The_firewall_table_lists_each_rule_and_the_default_with_what_they_decided()
    {
        var fw = new FirewallHarness("""
            fw:
              kind: firewall
              rules:
                - { action: allow, from: inside, protocol: tcp, dst-port: 80 }
                - { action: deny, protocol: udp }
            """);
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Send(Outside, Tcp(Outside, SynAck));
        fw.Send(Inside, Udp(Inside));
        fw.Send(Inside, Echo(Inside));

        var rows = fw.Function.Tables.Single(t => t.Name == "firewall").Rows().Select(r => r.ToArray()).ToList();
        Assert.Equal(
        [
            ["1", "allow", "from inside tcp dst-port 80", "2", "108", "1"],
            ["2", "deny", "udp", "1", "62", "0"],
            ["default", "deny", "no rule matched", "1", "74", "0"],
        ], rows);
    }

    [Fact]
    public void The_conntrack_table_lists_live_connections_in_their_original_direction()
    {
        var fw = new FirewallHarness("fw: { kind: firewall, rules: [ { action: allow, from: inside } ] }");
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Send(Outside, Tcp(Outside, SynAck));
        fw.Send(Inside, Echo(Inside));

        var table = fw.Function.Tables.Single(t => t.Name == "conntrack");
        Assert.Equal(2, table.Count);
        var rows = table.Rows().Select(r => r.ToArray()).OrderBy(r => r[0]).ToList();
        Assert.Equal(["icmp", "", "10.0.0.1", "192.0.2.1", "", "1", "1", "60"], rows[0]);
        Assert.Equal(["tcp", "", "10.0.0.1:40000", "192.0.2.1:80", "established", "1", "2", "7440"], rows[1]);
    }

    [Fact]
    public void Events_are_described_for_the_metrics()
    {
        var fw = new FirewallHarness("fw: { kind: firewall }");
        Assert.Equal(["opened", "expired", "related", "tracked"], fw.Function.Events.Select(e => e.Name));
    }
}

using Nfv.Testing;
using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>Connections a rule lets in pass both ways; everything else meets the rules, first match deciding.</summary>
public class StatefulTests
{
    private const string WebOut = """
        fw:
          kind: firewall
          rules:
            - { action: allow, from: inside, protocol: tcp, dst-port: 80 }
            - { action: allow, from: inside, protocol: udp }
            - { action: allow, from: inside, protocol: icmp, icmp-type: echo-request }
        """;

    [Fact]
    public void An_allowed_connection_passes_both_ways_and_its_replies_need_no_rule()
    {
        var fw = new FirewallHarness(WebOut);
        Assert.Equal(Outside, fw.Send(Inside, Tcp(Inside, Syn)));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, SynAck)));
        Assert.Equal(Outside, fw.Send(Inside, Tcp(Inside, Ack)));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, Ack)));
        Assert.Equal(1, fw.Function.Counters[FirewallEvent.Opened]);
        Assert.Equal(3, fw.Function.Counters[FirewallEvent.Tracked]);
        Assert.Equal(1, fw.Function.ConnectionCount);
    }

    [Fact]
    public void A_connection_from_outside_meets_the_default_policy()
    {
        var fw = new FirewallHarness(WebOut);
        Assert.Null(fw.Send(Outside, Tcp(Outside, Syn, insidePort: 22, outsidePort: 50000)));
        Assert.Equal(FirewallDrop.DefaultDeny, fw.LastDrop);
        Assert.Null(fw.Send(Inside, Tcp(Inside, Syn, outsidePort: 443))); // a port no rule allows
        Assert.Equal(FirewallDrop.DefaultDeny, fw.LastDrop);
        Assert.Equal(0, fw.Function.ConnectionCount);
    }

    [Fact]
    public void A_tcp_segment_of_no_connection_does_not_open_one_even_where_a_rule_allows()
    {
        var fw = new FirewallHarness(WebOut);
        Assert.Null(fw.Send(Inside, Tcp(Inside, Ack)));
        Assert.Equal(FirewallDrop.NotEstablished, fw.LastDrop);
        Assert.Null(fw.Send(Inside, Tcp(Inside, SynAck)));
        Assert.Equal(FirewallDrop.NotEstablished, fw.LastDrop);
        Assert.Null(fw.Send(Outside, Tcp(Outside, SynAck))); // a reply to a SYN that never went out
        Assert.Equal(0, fw.Function.ConnectionCount);
    }

    [Fact]
    public void Udp_and_echo_replies_come_back_and_unsolicited_ones_do_not()
    {
        var fw = new FirewallHarness(WebOut);
        Assert.Null(fw.Send(Outside, Udp(Outside)));
        Assert.Null(fw.Send(Outside, Echo(Outside, type: 0)));
        Assert.Equal(Outside, fw.Send(Inside, Udp(Inside)));
        Assert.Equal(Inside, fw.Send(Outside, Udp(Outside)));
        Assert.Equal(Outside, fw.Send(Inside, Echo(Inside)));
        Assert.Equal(Inside, fw.Send(Outside, Echo(Outside, type: 0)));
        Assert.Null(fw.Send(Outside, Echo(Outside, type: 0, id: 8))); // another identifier: not that exchange
        Assert.Null(fw.Send(Outside, Echo(Outside))); // outside pings in: no rule
    }

    [Fact]
    public void The_first_matching_rule_decides_and_a_deny_rule_drops_for_its_own_reason()
    {
        var fw = new FirewallHarness("""
            fw:
              kind: firewall
              default: allow
              rules:
                - { action: deny, protocol: tcp, dst-port: 23 }
                - { action: allow, protocol: tcp, dst: 192.0.2.0/24 }
            """);
        Assert.Null(fw.Send(Inside, Tcp(Inside, Syn, outsidePort: 23)));
        Assert.Equal(FirewallDrop.Denied, fw.LastDrop);
        Assert.Equal(Outside, fw.Send(Inside, Tcp(Inside, Syn, outsidePort: 22)));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, Syn, insidePort: 22, outsidePort: 50000))); // default: allow
        Assert.Equal((1, 54, 0), fw.Function.RuleCounters(0));
        Assert.Equal((1, 54, 1), fw.Function.RuleCounters(1));
        Assert.Equal((1, 54, 1), fw.Function.RuleCounters(2)); // the default policy
    }

    [Fact]
    public void A_connections_packets_count_to_the_rule_that_let_it_in()
    {
        var fw = new FirewallHarness(WebOut);
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Send(Outside, Tcp(Outside, SynAck));
        fw.Send(Inside, IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 6, IpPackets.Tcp(1000, 40000, 80, Ack)));
        var (packets, bytes, connections) = fw.Function.RuleCounters(0);
        Assert.Equal((3, 54 + 54 + 1054, 1), (packets, bytes, connections));
    }

    [Fact]
    public void Vlans_are_matched_and_kept_apart()
    {
        var fw = new FirewallHarness("""
            fw:
              kind: firewall
              rules:
                - { action: allow, vlan: 10, protocol: udp }
            """);
        Assert.Equal(Outside, fw.Send(Inside, FrameBuilder.Tag(Udp(Inside), 10)));
        Assert.Equal(Inside, fw.Send(Outside, FrameBuilder.Tag(Udp(Outside), 10)));
        Assert.Null(fw.Send(Outside, FrameBuilder.Tag(Udp(Outside), 20))); // the same flow in VLAN 20 is another
        Assert.Null(fw.Send(Inside, Udp(Inside))); // untagged
        Assert.Equal(FirewallDrop.DefaultDeny, fw.LastDrop);
    }

    [Fact]
    public void Arp_always_passes_and_other_non_ip_frames_follow_non_ip()
    {
        var arp = IpPackets.Arp(1, FrameBuilder.Mac(0xFFFFFF), InsideMac, InsideHost, default, OutsideHost);
        var ipv6 = FrameBuilder.Ethernet(OutsideMac, InsideMac, etherType: 0x86DD);
        var deny = new FirewallHarness("fw: { kind: firewall }");
        Assert.Equal(Outside, deny.Send(Inside, arp));
        Assert.Null(deny.Send(Inside, ipv6));
        Assert.Equal(FirewallDrop.NonIp, deny.LastDrop);
        var allow = new FirewallHarness("fw: { kind: firewall, non-ip: allow }");
        Assert.Equal(Outside, allow.Send(Inside, ipv6));
    }

    [Fact]
    public void Malformed_frames_and_later_fragments_are_dropped_for_their_reasons()
    {
        var fw = new FirewallHarness("fw: { kind: firewall, default: allow }");
        Assert.Null(fw.Send(Inside, new byte[13]));
        Assert.Equal(FirewallDrop.Malformed, fw.LastDrop);
        var truncatedTcp = Tcp(Inside, Syn)[..(14 + 20 + 10)];
        Assert.Null(fw.Send(Inside, truncatedTcp));
        Assert.Equal(FirewallDrop.Malformed, fw.LastDrop);
        var later = IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 17, IpPackets.Udp(1, 2), fragmentWord: 100);
        Assert.Null(fw.Send(Inside, later));
        Assert.Equal(FirewallDrop.Fragment, fw.LastDrop);
        var first = IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 17, IpPackets.Udp(1, 2), fragmentWord: 0x2000);
        Assert.Equal(Outside, fw.Send(Inside, first)); // the first fragment has the ports
    }

    [Fact]
    public void When_max_connections_are_tracked_a_new_one_is_refused_and_tracked_ones_still_pass()
    {
        var fw = new FirewallHarness("fw: { kind: firewall, default: allow, max-connections: 2 }");
        Assert.Equal(Outside, fw.Send(Inside, Udp(Inside, insidePort: 1)));
        Assert.Equal(Outside, fw.Send(Inside, Udp(Inside, insidePort: 2)));
        Assert.Null(fw.Send(Inside, Udp(Inside, insidePort: 3)));
        Assert.Equal(FirewallDrop.TableFull, fw.LastDrop);
        Assert.Equal(Inside, fw.Send(Outside, Udp(Outside, insidePort: 1)));
    }

    [Fact]
    public void A_traced_packet_says_which_rule_decided()
    {
        var fw = new FirewallHarness(WebOut);
        Assert.Equal(["new connection allowed by rule 1"], fw.Emit.SendTraced(fw.Function, Inside, Tcp(Inside, Syn)));
        Assert.Equal(["reply direction of a connection rule 1 allowed"], fw.Emit.SendTraced(fw.Function, Outside, Tcp(Outside, SynAck)));
        Assert.Equal(["new connection denied by rule default"], fw.Emit.SendTraced(fw.Function, Outside, Tcp(Outside, Syn, insidePort: 22)));
    }
}

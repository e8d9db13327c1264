using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Functions.Firewall;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>
/// A firewall and a NAT on the same router interface (<c>wan: { features: [masq, wall] }</c>) share one connection
/// table: one entry per connection, the firewall's rules judging what the NAT translates on the inside's addresses, and
/// the NAT's replies passing the firewall as established without a lookup of its own.
/// </summary>
public class FirewallBesideNatTests
{
    // Inside hosts may open anything but R2; from outside only the web server behind the forward, on its inside address.
    private const string Rules = """
        wall:
          kind: firewall
          udp-timeout: 30s
          rules:
            - { action: deny, from: inside, dst: 192.0.2.30/32 }
            - { action: allow, from: inside }
            - { action: allow, from: outside, protocol: tcp, dst: 10.0.0.10/32, dst-port: 80 }
        """;

    private static (NatHarness Router, FirewallFunction Firewall) Build(NatOptions? nat = null)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new FirewallFunctionFactory(), Rules);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        var feature = blueprint.AsFeature();
        Assert.NotNull(feature);
        var h = new NatHarness(nat, besideNat: time => (FirewallFunction)feature.Build(new FunctionBuildContext("wall", [], time, NullLoggerFactory.Instance)));
        return (h, (FirewallFunction)h.Beside!);
    }

    private static NatOptions WithForwards => new()
    {
        Forwards =
        [
            new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 },
            new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 2222, To = Ipv4Address.Parse(H1), ToPort = 22 },
        ],
    };

    [Fact]
    public void An_inside_connection_is_one_entry_the_nat_translates_and_the_firewall_lets_back_in()
    {
        var (h, wall) = Build();
        var syn = h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 40000, 443, flags: 0x02));
        Assert.NotNull(syn);
        Assert.Equal(External, IpPackets.Src(syn));
        var synAck = h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 443, SrcPort(syn), flags: 0x12));
        Assert.True(h.ReachedInside(synAck, H1));

        Assert.Equal(1, h.Nat.SessionCount);
        Assert.Equal(1, wall.ConnectionCount);
        Assert.Equal(1, h.Nat.Table.Connections.Count); // the same entry: the NAT added its translation to the firewall's
        Assert.Equal(1, wall.Counters[FirewallEvent.Opened]);
        Assert.Equal(1, wall.Counters[FirewallEvent.Tracked]); // the reply, found by the NAT and passed on
        Assert.Equal((2, 2 * 54, 1), (wall.RuleCounters(1).Packets, wall.RuleCounters(1).Bytes, wall.RuleCounters(1).Connections));
    }

    [Fact]
    public void A_connection_the_rules_deny_from_inside_never_reaches_the_nat()
    {
        var (h, wall) = Build();
        Assert.Null(h.FromInside(H1, R2, Ipv4Header.ProtocolUdp, IpPackets.Udp(5353, 5353)));
        Assert.Equal(1, wall.Drops[FirewallDrop.Denied]);
        Assert.Equal(0, h.Nat.SessionCount);
        Assert.Equal(0, h.Nat.Table.MappingCount); // no external port spent on it
        Assert.Equal(0, h.Nat.Table.Connections.Count);
    }

    [Fact]
    public void A_port_forward_is_judged_by_the_rules_on_the_inside_address_and_a_denied_one_leaves_no_session()
    {
        var (h, wall) = Build(WithForwards);
        // 8080 → 10.0.0.10:80, which a rule allows (written with the inside address, as the firewall sees it).
        var web = h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 50000, 8080, flags: 0x02));
        Assert.True(h.ReachedInside(web, H1));
        Assert.Equal(80, DstPort(web!));
        var reply = h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 50000, flags: 0x12));
        Assert.NotNull(reply);
        Assert.Equal(8080, SrcPort(reply));
        Assert.Equal(1, wall.RuleCounters(2).Connections);

        // 2222 → 10.0.0.10:22, which no rule allows: dropped, and the session the NAT opened for it is gone with it.
        Assert.Null(h.FromOutside(R2, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 50001, 2222, flags: 0x02)));
        Assert.Equal(1, wall.Drops[FirewallDrop.DefaultDeny]);
        Assert.Equal(1, h.Nat.SessionCount);
        Assert.Equal(1, h.Nat.Table.Connections.Count);
    }

    [Fact]
    public void An_icmp_error_about_a_translated_connection_passes_as_related()
    {
        var (h, wall) = Build();
        var sent = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 33434))!;
        var error = h.FromOutside(R2, External, Ipv4Header.ProtocolIcmp, IcmpErrorTests.ErrorAbout(sent, IcmpHeader.TypeTimeExceeded, 0, 576));
        Assert.True(h.ReachedInside(error, H1));
        Assert.Equal(1, wall.Counters[FirewallEvent.Related]);
    }

    [Fact]
    public void The_nat_times_the_connections_it_translates()
    {
        var (h, wall) = Build();
        var sent = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53))!;
        // The firewall's udp-timeout is 30 s, the NAT's 5 minutes: the NAT's holds, since it translates the connection.
        h.Advance(TimeSpan.FromMinutes(2));
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, SrcPort(sent))), H1));
        h.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, SrcPort(sent))));
        Assert.Equal(0, wall.ConnectionCount);
        Assert.Equal(1, wall.Counters[FirewallEvent.Expired]);
    }
}

using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.RouterHarness;

namespace Nfv.Functions.Router.Tests;

/// <summary>What the router states about traced packets (<c>nfv trace</c>), and that untraced ones state nothing.</summary>
public class TraceTests
{
    private static RouterHarness Ready(RouterOptions? options = null)
    {
        var h = new RouterHarness(options);
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        return h;
    }

    [Fact]
    public void A_forwarded_packet_states_the_route_and_the_next_hop()
    {
        var h = Ready();
        var decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1(H2, 17, IpPackets.Udp(1000, 2000)));

        h.Emit.AssertSentTo(Wan);
        Assert.Equal(
            [
                "route 192.0.2.0/24 out wan (connected)",
                $"next hop {H2} is at {H2Mac}: TTL decremented, MACs rewritten",
            ],
            decisions);
    }

    [Fact]
    public void A_static_route_names_its_gateway()
    {
        var gateway = FrameBuilder.Mac(0x99);
        var h = new RouterHarness(Default(routes: [new StaticRoute { Prefix = Ipv4Prefix.Parse("0.0.0.0/0"), Via = Ipv4Address.Parse("192.0.2.254") }]));
        h.Teach(Wan, gateway, "192.0.2.254");
        var decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1("8.8.8.8", 17, IpPackets.Udp(1, 2)));
        Assert.Equal("route 0.0.0.0/0 via 192.0.2.254 out wan (static)", decisions[0]);
    }

    [Fact]
    public void An_unresolved_next_hop_states_the_arp_request_and_the_queued_copy()
    {
        var h = new RouterHarness();
        h.Teach(Lan, H1Mac, H1);
        var decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1(H2, 17, IpPackets.Udp(1000, 2000)));

        Assert.Equal(1, h.Emit.DropCount(RouterDrop.ArpQueued));
        Assert.Equal($"next hop {H2} not resolved yet: a copy waits for its ARP reply, ARP request sent out wan", decisions[^1]);

        // The reply resolves it: the router says what the reply taught it and what it sent.
        decisions = h.Emit.SendTraced(h.Router, Wan, IpPackets.Arp(2, h.WanMac, H2Mac, H2, h.WanMac, "192.0.2.1"));
        Assert.Equal(
            [
                $"ARP: {H2} is at {H2Mac} (neighbour entry learned or refreshed)",
                $"ARP reply from {H2}",
                $"ARP resolved: 1 waiting packet(s) sent to {H2Mac} out wan",
            ],
            decisions);
    }

    [Fact]
    public void Ttl_expiry_states_the_icmp_error_sent()
    {
        var h = Ready();
        var decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1(H2, 17, IpPackets.Udp(1000, 33434), ttl: 1));

        Assert.Equal(1, h.Emit.DropCount(RouterDrop.TtlExpired));
        Assert.Contains($"ICMP time exceeded sent to {H1} out lan", decisions);
    }

    [Fact]
    public void An_echo_request_to_the_router_states_the_reply_and_no_route_states_itself()
    {
        var h = Ready();
        var decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1("10.0.0.1", 1, IpPackets.EchoRequest()));
        Assert.Equal(["10.0.0.1 is the router's own (route local 10.0.0.1/32)", "echo request to 10.0.0.1: answered with an echo reply"], decisions);

        decisions = h.Emit.SendTraced(h.Router, Lan, h.FromH1("8.8.8.8", 1, IpPackets.EchoRequest()));
        Assert.Equal(["no route to 8.8.8.8", $"ICMP net unreachable sent to {H1} out lan"], decisions);
    }

    [Fact]
    public void An_untraced_packet_states_nothing()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1000, 2000)));
        h.Emit.AssertSentTo(Wan);
        Assert.Empty(h.Emit.Decisions);
    }
}

using Nfv.Functions.Router;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>RFC 4787 §5 filtering, and what outside packets that match nothing may and may not reach.</summary>
public class FilteringTests
{
    // H1:6000 has sent to R1:3478. Who may send back to its external endpoint?
    private static NatHarness Mapped(NatFiltering filtering)
    {
        var h = new NatHarness(new NatOptions { Filtering = filtering });
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478)));
        return h;
    }

    private static bool Reaches(NatHarness h, string from, ushort fromPort)
    {
        var frame = h.FromOutside(from, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(fromPort, 6000));
        if (frame is null)
        {
            Assert.Equal((int)RouterDrop.FeatureDrop, Assert.Single(h.Emit.Dropped).Reason);
            return false;
        }
        Assert.Equal(Lan, h.LastPort);
        Assert.Equal(H1, IpPackets.Dst(frame));
        return true;
    }

    [Fact]
    public void Address_and_port_dependent_is_the_default_only_the_remote_endpoint_sent_to_gets_in()
    {
        var h = new NatHarness();
        Assert.Equal(NatFiltering.AddressAndPortDependent, h.Nat.Options.Filtering);
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478));
        Assert.True(Reaches(h, R1, 3478));
        Assert.False(Reaches(h, R1, 3479));
        Assert.False(Reaches(h, R2, 3478));
        Assert.Equal(2, h.Drops[NatDrop.Filtered]);
        Assert.Equal(1, h.Nat.SessionCount); // refused packets made no state
    }

    [Fact]
    public void Address_dependent_lets_in_any_port_of_an_address_sent_to()
    {
        var h = Mapped(NatFiltering.AddressDependent);
        Assert.True(Reaches(h, R1, 3479));
        Assert.False(Reaches(h, R2, 3478));
    }

    [Fact]
    public void Endpoint_independent_lets_in_anyone_while_the_mapping_lives()
    {
        var h = Mapped(NatFiltering.EndpointIndependent);
        Assert.True(Reaches(h, R2, 9999));
        Assert.True(Reaches(h, R1, 3479));
        // The mapping expires with its last session, and then nobody gets in.
        h.Advance(TimeSpan.FromMinutes(6));
        Assert.False(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(9999, 6000)), H1));
    }

    [Fact]
    public void An_outside_host_routing_an_inside_address_through_the_nat_reaches_nothing()
    {
        var h = new NatHarness();
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478)); // even with a live session
        Assert.Null(h.FromOutside(R1, H1, Ipv4Header.ProtocolUdp, IpPackets.Udp(3478, 6000)));
        Assert.Null(h.FromOutside(R1, H1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest()));
        Assert.Null(h.FromOutside(R1, H1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 3478, 22, flags: 0x02)));
        Assert.Equal(3, h.Drops[NatDrop.Unsolicited]);
        Assert.Equal(1, h.Nat.SessionCount);
    }

    [Fact]
    public void Unsolicited_packets_to_the_external_address_are_the_routers_and_make_no_state()
    {
        var h = new NatHarness();
        // UDP to a port nobody mapped: the router answers port unreachable, out of wan.
        var unreachable = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 5000));
        Assert.NotNull(unreachable);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(IcmpHeader.TypeDestinationUnreachable, IpPackets.L4(unreachable)[0]);
        // A TCP SYN: nothing inside sees it.
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 5000, 22, flags: 0x02)));
        Assert.Equal(0, h.Nat.SessionCount);
        Assert.Equal(0, h.Counters[NatEvent.SessionsCreated]);
    }

    [Fact]
    public void The_router_still_answers_pings_to_its_addresses_from_outside()
    {
        var h = new NatHarness();
        var reply = h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 99));
        Assert.NotNull(reply);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(IcmpHeader.TypeEchoReply, IpPackets.L4(reply)[0]);
        // Its lan address too: it is the router's, not an inside host's.
        var lanReply = h.FromOutside(R1, "10.0.0.1", Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 99));
        Assert.NotNull(lanReply);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(0, h.Nat.SessionCount);
    }

    [Fact]
    public void An_echo_reply_for_an_identifier_nobody_uses_does_not_get_in()
    {
        var h = new NatHarness();
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, TranslationTests.EchoReply(1234)));
        TranslationTests.AssertNothingInside(h);
    }
}

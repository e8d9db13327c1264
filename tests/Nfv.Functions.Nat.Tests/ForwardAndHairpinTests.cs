using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>Static port forwards and hairpinning, through the router as a topology runs them.</summary>
public class ForwardAndHairpinTests
{
    private static NatHarness WithWebForward(NatFiltering filtering = NatFiltering.AddressAndPortDependent) => new(new NatOptions
    {
        Filtering = filtering,
        Forwards =
        [
            new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 },
            new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5000, To = Ipv4Address.Parse(H1), ToPort = 5000 },
        ],
    });

    [Fact]
    public void A_tcp_forward_makes_an_inside_server_reachable_and_its_replies_come_from_the_forwarded_port()
    {
        var h = WithWebForward();
        var syn = h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 50000, 8080, flags: 0x02));
        Assert.True(h.ReachedInside(syn, H1));
        Assert.Equal(80, DstPort(syn!));
        Assert.Equal(R1, IpPackets.Src(syn!));
        Assert.True(ChecksumsOk(syn!));

        var synAck = h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 50000, flags: 0x12));
        Assert.NotNull(synAck);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(External, IpPackets.Src(synAck));
        Assert.Equal(8080, SrcPort(synAck));
        Assert.True(ChecksumsOk(synAck));
    }

    [Fact]
    public void A_udp_forward_works_from_any_outside_endpoint_whatever_the_filtering()
    {
        var h = WithWebForward();
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(1111, 5000)), H1));
        Assert.True(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(2222, 5000)), H1));
        Assert.Equal(2, h.Nat.SessionCount);
        // A forward never expires.
        h.Advance(TimeSpan.FromHours(3));
        Assert.True(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(3333, 5000)), H1));
    }

    [Fact]
    public void The_forwarded_port_is_never_given_to_another_inside_endpoint()
    {
        var h = WithWebForward();
        var outside = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53))!;
        Assert.NotEqual(5000, SrcPort(outside));
    }

    [Fact]
    public void Hairpin_an_inside_host_reaches_the_forwarded_server_through_the_external_address_and_back()
    {
        var h = WithWebForward();
        var there = h.FromInside(H2, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 45000, 8080, flags: 0x02));
        Assert.True(h.ReachedInside(there, H1));
        // The server sees the client's external endpoint, not its inside address (RFC 4787 REQ-9).
        Assert.Equal(External, IpPackets.Src(there!));
        Assert.Equal(45000, SrcPort(there!));
        Assert.Equal(80, DstPort(there!));
        Assert.True(ChecksumsOk(there!));

        var back = h.FromInside(H1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 45000, flags: 0x12));
        Assert.True(h.ReachedInside(back, H2));
        Assert.Equal(External, IpPackets.Src(back!));
        Assert.Equal(8080, SrcPort(back!));
        Assert.Equal(45000, DstPort(back!));
        Assert.True(ChecksumsOk(back!));
        Assert.Equal(2, h.Counters[NatEvent.Hairpinned]);
    }

    [Fact]
    public void Hairpin_to_a_dynamic_mapping_follows_its_filtering()
    {
        // H1:6000 talks to R1; H2 sends to H1's external endpoint.
        var eif = new NatHarness(new NatOptions { Filtering = NatFiltering.EndpointIndependent });
        eif.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478));
        var reached = eif.FromInside(H2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(7000, 6000));
        Assert.True(eif.ReachedInside(reached, H1));
        Assert.Equal(External, IpPackets.Src(reached!));
        Assert.Equal(7000, SrcPort(reached!));

        var apdf = new NatHarness();
        apdf.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478));
        Assert.Null(apdf.FromInside(H2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(7000, 6000)));
        Assert.Equal(1, apdf.Drops[NatDrop.Filtered]);
    }

    [Fact]
    public void Inside_hosts_can_still_ping_the_external_address_and_reach_the_router()
    {
        var h = WithWebForward();
        var reply = h.FromInside(H2, External, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 5000));
        Assert.NotNull(reply);
        Assert.Equal(Lan, h.LastPort);
        Assert.Equal(IcmpHeader.TypeEchoReply, IpPackets.L4(reply)[0]);
        Assert.Equal(External, IpPackets.Src(reply));
    }
}

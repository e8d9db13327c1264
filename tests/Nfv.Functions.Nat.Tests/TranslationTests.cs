using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>Source NAPT of UDP, TCP and ICMP echo: what the outside sees, what comes back, and every checksum.</summary>
public class TranslationTests
{
    [Fact]
    public void Udp_leaves_from_the_external_address_with_the_port_preserved_and_the_reply_comes_back()
    {
        var h = new NatHarness();
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        Assert.NotNull(outside);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(External, IpPackets.Src(outside));
        Assert.Equal(R1, IpPackets.Dst(outside));
        Assert.Equal(40000, SrcPort(outside));
        Assert.True(ChecksumsOk(outside));

        var reply = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000));
        Assert.NotNull(reply);
        Assert.Equal(Lan, h.LastPort);
        Assert.Equal(H1Mac, EthernetHeader.Destination(reply));
        Assert.Equal(H1, IpPackets.Dst(reply));
        Assert.Equal(40000, DstPort(reply));
        Assert.Equal(R1, IpPackets.Src(reply));
        Assert.True(ChecksumsOk(reply));
        Assert.Equal(1, h.Counters[NatEvent.TranslatedOut]);
        Assert.Equal(1, h.Counters[NatEvent.TranslatedIn]);
        Assert.Equal(1, h.Nat.SessionCount);
    }

    [Fact]
    public void Tcp_is_translated_both_ways_with_valid_checksums()
    {
        var h = new NatHarness();
        var syn = h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, flags: 0x02));
        Assert.NotNull(syn);
        Assert.Equal(External, IpPackets.Src(syn));
        Assert.Equal(41000, SrcPort(syn));
        Assert.True(ChecksumsOk(syn));
        var synAck = h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(10, 80, 41000, flags: 0x12));
        Assert.NotNull(synAck);
        Assert.Equal(H1, IpPackets.Dst(synAck));
        Assert.True(ChecksumsOk(synAck));
    }

    [Fact]
    public void A_udp_datagram_without_checksum_keeps_none()
    {
        var h = new NatHarness();
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53), checksum: false);
        Assert.NotNull(outside);
        Assert.Equal(0, IpPackets.L4(outside)[6] | IpPackets.L4(outside)[7]);
    }

    [Fact]
    public void Echo_requests_get_a_translated_identifier_and_replies_return_to_the_pinger()
    {
        var h = new NatHarness();
        var request = h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 4000, seq: 1));
        Assert.NotNull(request);
        Assert.Equal(External, IpPackets.Src(request));
        Assert.Equal(4000, IcmpId(request));
        Assert.True(ChecksumsOk(request));

        // A second pinger with the same identifier gets another one.
        var second = h.FromInside(H2, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 4000, seq: 1));
        Assert.NotNull(second);
        Assert.NotEqual(4000, IcmpId(second));
        Assert.True(ChecksumsOk(second));

        var reply = EchoReply(IcmpId(second));
        var back = h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, reply);
        Assert.NotNull(back);
        Assert.Equal(H2, IpPackets.Dst(back));
        Assert.Equal(4000, IcmpId(back));
        Assert.True(ChecksumsOk(back));
    }

    [Fact]
    public void Two_inside_hosts_with_the_same_port_get_different_external_ports_and_their_own_replies()
    {
        var h = new NatHarness();
        var first = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53))!;
        var second = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53))!;
        Assert.Equal(5000, SrcPort(first));
        Assert.NotEqual(5000, SrcPort(second));
        Assert.InRange(SrcPort(second), 1024, 65535);
        Assert.True(ChecksumsOk(second));

        var toSecond = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, SrcPort(second)))!;
        Assert.Equal(H2, IpPackets.Dst(toSecond));
        Assert.Equal(5000, DstPort(toSecond));
        var toFirst = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 5000))!;
        Assert.Equal(H1, IpPackets.Dst(toFirst));
    }

    [Fact]
    public void Mapping_is_endpoint_independent_one_external_port_for_every_remote()
    {
        var h = new NatHarness();
        var toR1 = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478))!;
        h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478)); // takes another port
        var toR2 = h.FromInside(H1, R2, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3479))!;
        Assert.Equal(SrcPort(toR1), SrcPort(toR2));
        Assert.Equal(IpPackets.Src(toR1), IpPackets.Src(toR2));
    }

    [Fact]
    public void Address_dependent_mapping_gives_each_remote_address_its_own_external_port()
    {
        var h = new NatHarness(new NatOptions { Mapping = NatMapping.AddressDependent, Filtering = NatFiltering.AddressDependent });
        var toR1 = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478))!;
        var toR1Again = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3479))!;
        var toR2 = h.FromInside(H1, R2, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478))!;
        Assert.Equal(6000, SrcPort(toR1)); // the first keeps the port
        Assert.Equal(SrcPort(toR1), SrcPort(toR1Again));
        Assert.NotEqual(SrcPort(toR1), SrcPort(toR2));
        Assert.True(ChecksumsOk(toR2));
        // Each mapping answers its own remote, back to the same inside endpoint.
        Assert.True(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(3478, SrcPort(toR2))), H1));
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(3479, 6000)), H1));
        // R2 cannot use R1's mapping: a dependent mapping is filtered at least as strictly.
        Assert.False(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(3478, 6000)), H1));
    }

    [Fact]
    public void Address_and_port_dependent_mapping_gives_each_remote_endpoint_its_own_external_port()
    {
        var h = new NatHarness(new NatOptions { Mapping = NatMapping.AddressAndPortDependent });
        var a = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478))!;
        var b = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3479))!;
        var again = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 3478))!;
        Assert.NotEqual(SrcPort(a), SrcPort(b));
        Assert.Equal(SrcPort(a), SrcPort(again));
        Assert.Equal(2, h.Nat.Table.MappingCount);
        // An ICMP error about the second flow finds its mapping.
        var error = new byte[8 + 28];
        error[0] = IcmpHeader.TypeDestinationUnreachable;
        error[1] = IcmpHeader.CodePortUnreachable;
        b.AsSpan(14, 28).CopyTo(error.AsSpan(8));
        var sum = IpPackets.Sum(error);
        error[2] = (byte)(sum >> 8);
        error[3] = (byte)sum;
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, error), H1));
    }

    [Fact]
    public void A_forwarded_endpoint_keeps_its_forwarded_port_whatever_the_mapping_mode()
    {
        var h = new NatHarness(new NatOptions
        {
            Mapping = NatMapping.AddressAndPortDependent,
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5060, To = Ipv4Address.Parse(H1), ToPort = 5060 }],
        });
        Assert.Equal(5060, SrcPort(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5060, 5060))!));
        Assert.Equal(5060, SrcPort(h.FromInside(H1, R2, Ipv4Header.ProtocolUdp, IpPackets.Udp(5060, 5061))!));
    }

    [Fact]
    public void A_port_outside_the_range_is_mapped_into_it()
    {
        var h = new NatHarness(new NatOptions { PortMin = 20000, PortMax = 20009 });
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(123, 123))!;
        Assert.InRange(SrcPort(outside), 20000, 20009);
        var inRange = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(20005, 123))!;
        Assert.Equal(20005, SrcPort(inRange));
    }

    [Fact]
    public void Each_inside_host_keeps_one_external_address_of_several()
    {
        var h = new NatHarness(new NatOptions { External = [Ipv4Address.Parse(External), Ipv4Address.Parse(External2)] });
        foreach (var host in new[] { H1, H2 })
        {
            var a = h.FromInside(host, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(7000, 53))!;
            var b = h.FromInside(host, R2, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 7001, 80, flags: 0x02))!;
            Assert.Equal(IpPackets.Src(a), IpPackets.Src(b));
            Assert.Contains(IpPackets.Src(a), new[] { External, External2 });
        }
    }

    [Fact]
    public void Replies_to_the_second_external_address_are_translated()
    {
        var h = new NatHarness(new NatOptions { External = [Ipv4Address.Parse(External2)] });
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53))!;
        Assert.Equal(External2, IpPackets.Src(outside));
        var back = h.FromOutside(R1, External2, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000))!;
        Assert.Equal(H1, IpPackets.Dst(back));
        // 192.0.2.1 is now only the router's: a datagram to it is answered by the router (port unreachable).
        var unreachable = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000))!;
        Assert.Equal(Ipv4Header.ProtocolIcmp, IpPackets.IpOf(unreachable)[9]);
        Assert.Equal(Wan, h.LastPort);
    }

    internal static byte[] EchoReply(ushort ident, ushort seq = 1)
    {
        var reply = IpPackets.EchoRequest(ident, seq);
        reply[0] = 0;
        reply[2] = reply[3] = 0;
        var sum = IpPackets.Sum(reply);
        reply[2] = (byte)(sum >> 8);
        reply[3] = (byte)sum;
        return reply;
    }

    internal static void AssertNothingInside(NatHarness h) => Assert.DoesNotContain(h.Emit.Sent, s => s.Port == Lan);

    [Fact]
    public void Nfv_trace_shows_the_session_made_and_the_translation_both_ways()
    {
        var h = new NatHarness();
        var frame = Frame(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        var decisions = h.Emit.SendTraced(h.Router, Lan, frame);
        Assert.Contains($"nat {h.Nat.Name}: new session, {H1}:40000 > {R1}:53 translated to {External}:40000 > {R1}:53", decisions);

        var reply = Frame(h.WanMac, MacOf(R1), R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000));
        decisions = h.Emit.SendTraced(h.Router, Wan, reply);
        Assert.Contains($"nat {h.Nat.Name}: {R1}:53 > {External}:40000 translated to {R1}:53 > {H1}:40000", decisions);
    }
}

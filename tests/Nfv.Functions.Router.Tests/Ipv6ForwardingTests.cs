using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.Ipv6Harness;

namespace Nfv.Functions.Router.Tests;

public class Ipv6ForwardingTests
{
    [Fact]
    public void Forwards_between_subnets_rewriting_macs_and_decrementing_the_hop_limit_only()
    {
        var h = Ready();
        var sent = h.FromH1(H2, 17, IpPackets.Udp(1000, 2000), hopLimit: 10);
        h.Send(Lan, sent);

        h.Emit.AssertSentTo(Wan);
        var frame = h.Emit.SentTo(Wan);
        Assert.Equal(H2Mac, EthernetHeader.Destination(frame));
        Assert.Equal(h.WanMac, EthernetHeader.Source(frame));
        Assert.Equal(9, Ipv6Packets.HopLimit(frame));
        Assert.True(frame.AsSpan(14 + 8).SequenceEqual(sent.AsSpan(14 + 8)), "addresses and payload unchanged");
        Assert.True(Ipv6Packets.ChecksumOk(frame));
        Assert.Equal(1, h.Counters[RouterEvent.Forwarded]);
    }

    [Fact]
    public void A_static_route_through_a_gateway_leads_to_the_gateways_mac()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("2001:db8:99:5::1", 17, IpPackets.Udp(1, 2)));

        Assert.Equal(H2Mac, EthernetHeader.Destination(h.Emit.SentTo(Wan)));
    }

    [Fact]
    public void An_unknown_next_hop_is_solicited_and_the_packet_waits_for_its_advertisement()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Teach(Lan, H1Mac, H1);
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));

        Assert.Equal((int)RouterDrop.NeighbourQueued, Assert.Single(h.Emit.Dropped).Reason);
        var solicitation = h.Emit.SentTo(Wan);
        Assert.Equal(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(H2)), EthernetHeader.Destination(solicitation));
        Assert.Equal(Ipv6Packets.SolicitedNode(H2), Ipv6Packets.Dst(solicitation));
        Assert.Equal(h.Router.InterfaceLinkLocal(Wan).ToString(), Ipv6Packets.Src(solicitation));
        Assert.Equal(255, Ipv6Packets.HopLimit(solicitation));
        var ns = Ipv6Packets.Payload(solicitation);
        Assert.Equal(135, ns[0]);
        Assert.Equal(H2, Ipv6Address.Read(ns[8..]).ToString());
        Assert.Equal((1, 1), (ns[24], ns[25])); // source link-layer address option
        Assert.Equal(h.WanMac, MacAddress.Read(ns[26..]));
        Assert.True(Ipv6Packets.ChecksumOk(solicitation));

        h.Send(Wan, Ipv6Packets.Ip(h.WanMac, H2Mac, H2, h.Router.InterfaceLinkLocal(Wan).ToString()!, Ipv6Packets.Icmpv6,
            Ipv6Packets.NeighbourAdvertisement(H2, H2Mac), hopLimit: 255));

        var released = h.Emit.SentTo(Wan);
        Assert.Equal(H2Mac, EthernetHeader.Destination(released));
        Assert.Equal(17, Ipv6Packets.NextHeader(released));
        Assert.Equal(2, h.Counters[RouterEvent.NeighbourLearned]); // H1 by its solicitation, H2 by its advertisement
    }

    [Fact]
    public void Run_per_worker_an_instance_finishes_its_resolution_with_the_advertisement_another_received()
    {
        var share = new NeighbourShare<Ipv6Address>(16, (long)(RouterOptions.DefaultNeighbourReachable.TotalSeconds * TimeProvider.System.TimestampFrequency));
        Ipv6Harness a = new(neighbourShare: share), b = new(neighbourShare: share); // their fake clocks tick alike
        a.SettleAddresses();
        b.SettleAddresses();
        a.Teach(Lan, H1Mac, H1);
        a.Send(Lan, a.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal((int)RouterDrop.NeighbourQueued, Assert.Single(a.Emit.Dropped).Reason);

        b.Send(Wan, Ipv6Packets.Ip(b.WanMac, H2Mac, H2, b.Router.InterfaceLinkLocal(Wan).ToString()!, Ipv6Packets.Icmpv6,
            Ipv6Packets.NeighbourAdvertisement(H2, H2Mac), hopLimit: 255)); // the answer reaches the other instance
        a.Tick(TimeSpan.FromMilliseconds(100));

        var released = a.Emit.SentTo(Wan);
        Assert.Equal(H2Mac, EthernetHeader.Destination(released));
        Assert.Equal(17, Ipv6Packets.NextHeader(released));
    }

    [Fact]
    public void A_next_hop_that_never_answers_gets_address_unreachable_for_what_waited()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Teach(Lan, H1Mac, H1);
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        for (int i = 0; i < RouterOptions.DefaultArpAttempts; i++)
        {
            h.Tick(TimeSpan.FromSeconds(1));
        }

        var error = h.Emit.SentTo(Lan);
        Assert.Equal((1, 3), (Ipv6Packets.Payload(error)[0], Ipv6Packets.Payload(error)[1]));
        Assert.Equal(1, h.Counters[RouterEvent.NeighbourFailed]);
        Assert.Equal(0, h.Router.Neighbours.Waiting);
    }

    [Fact]
    public void Hop_limit_one_gets_time_exceeded_from_the_ingress_global_address_quoting_the_packet()
    {
        var h = Ready();
        var original = h.FromH1(H2, 17, IpPackets.Udp(1000, 33434), hopLimit: 1);
        h.Send(Lan, original);

        Assert.Equal((int)RouterDrop.TtlExpired, Assert.Single(h.Emit.Dropped).Reason);
        var error = h.Emit.SentTo(Lan);
        Assert.Equal(H1Mac, EthernetHeader.Destination(error));
        Assert.Equal(LanAddress, Ipv6Packets.Src(error));
        Assert.Equal(H1, Ipv6Packets.Dst(error));
        var icmp = Ipv6Packets.Payload(error);
        Assert.Equal((3, 0), (icmp[0], icmp[1]));
        Assert.True(Ipv6Packets.ChecksumOk(error));
        Assert.True(icmp[8..].SequenceEqual(original.AsSpan(14)));
    }

    [Fact]
    public void A_packet_too_big_for_the_egress_mtu_is_never_fragmented_and_gets_packet_too_big_with_the_mtu()
    {
        var h = Ready();
        var original = h.FromH1(H2, 17, IpPackets.Udp(1000, 2000, dataLength: 1400));
        h.Send(Lan, original);

        Assert.Equal((int)RouterDrop.PacketTooBig, Assert.Single(h.Emit.Dropped).Reason);
        var error = h.Emit.SentTo(Lan);
        var icmp = Ipv6Packets.Payload(error);
        Assert.Equal((2, 0), (icmp[0], icmp[1]));
        Assert.Equal(1280u, BinaryPrimitives.ReadUInt32BigEndian(icmp[4..]));
        Assert.True(error.Length - 14 <= 1280, "an ICMPv6 error fits the minimum MTU");
        Assert.True(icmp[8..].SequenceEqual(original.AsSpan(14, icmp.Length - 8)));
        Assert.True(Ipv6Packets.ChecksumOk(error));
    }

    [Fact]
    public void A_gso_train_is_judged_by_its_segments()
    {
        var h = Ready(Default(wanMtu: 1500));
        var frame = h.FromH1(H2, 6, IpPackets.Tcp(8000));
        h.Send(Lan, frame, new VirtioNetHeader { GsoType = VirtioNetHeader.GsoTcpV6, GsoSize = 1440, HeaderLength = 74 });
        h.Emit.AssertSentTo(Wan);

        h.Send(Lan, frame, new VirtioNetHeader { GsoType = VirtioNetHeader.GsoTcpV6, GsoSize = 1448, HeaderLength = 74 });
        Assert.Equal((int)RouterDrop.PacketTooBig, h.Emit.Dropped[0].Reason);
    }

    [Fact]
    public void Fragments_are_forwarded_as_they_are_and_never_fragmented_again()
    {
        var h = Ready();
        // A first fragment (offset 0, M set) and a later one, as a host that fragmented for the path MTU sends them.
        var first = h.FromH1(H2, 44, [17, 0, 0, 1, 0, 0, 0, 42, .. IpPackets.Udp(1, 2, dataLength: 16)]);
        var later = h.FromH1(H2, 44, [17, 0, 0, 24, 0, 0, 0, 42, .. new byte[16]]);
        h.Send(Lan, first);
        Assert.True(h.Emit.SentTo(Wan).AsSpan(14 + 8).SequenceEqual(first.AsSpan(14 + 8)));
        h.Send(Lan, later);
        Assert.True(h.Emit.SentTo(Wan).AsSpan(14 + 8).SequenceEqual(later.AsSpan(14 + 8)));
    }

    [Fact]
    public void No_route_gets_destination_unreachable_no_route()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("2001:db9::1", 17, IpPackets.Udp(1, 2)));

        Assert.Equal((int)RouterDrop.NoRoute, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = Ipv6Packets.Payload(h.Emit.SentTo(Lan));
        Assert.Equal((1, 0), (icmp[0], icmp[1]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pings_to_the_routers_global_or_link_local_address_are_answered_from_it(bool linkLocal)
    {
        var h = Ready();
        string target = linkLocal ? h.LanLinkLocal : LanAddress;
        var request = Ipv6Packets.EchoRequest(ident: 9, seq: 4);
        h.Send(Lan, h.FromH1(target, Ipv6Packets.Icmpv6, request, hopLimit: 3));

        var reply = h.Emit.SentTo(Lan);
        Assert.Equal(H1Mac, EthernetHeader.Destination(reply));
        Assert.Equal(target, Ipv6Packets.Src(reply));
        Assert.Equal(H1, Ipv6Packets.Dst(reply));
        Assert.Equal(64, Ipv6Packets.HopLimit(reply));
        var icmp = Ipv6Packets.Payload(reply);
        Assert.Equal(129, icmp[0]);
        Assert.True(icmp[4..].SequenceEqual(request.AsSpan(4)), "identifier, sequence and data echoed");
        Assert.True(Ipv6Packets.ChecksumOk(reply));
        Assert.Equal(1, h.Counters[RouterEvent.EchoReplies]);
    }

    [Fact]
    public void Link_local_addresses_never_leave_their_link()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("fe80::99", 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.LinkLocal);

        h.Send(Lan, Ipv6Packets.Ip(h.LanMac, H1Mac, "fe80::10", H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal((int)RouterDrop.LinkLocal, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = Ipv6Packets.Payload(h.Emit.SentTo(Lan));
        Assert.Equal((1, 2), (icmp[0], icmp[1])); // beyond scope of source address
    }

    [Fact]
    public void Udp_to_the_router_gets_port_unreachable_and_an_unknown_next_header_a_parameter_problem_pointing_at_it()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1(LanAddress, 17, IpPackets.Udp(1, 33434)));
        h.Emit.Dropped.Single(d => d.Reason == (int)RouterDrop.PortUnreachable);
        Assert.Equal((1, 4), (Ipv6Packets.Payload(h.Emit.SentTo(Lan))[0], Ipv6Packets.Payload(h.Emit.SentTo(Lan))[1]));

        h.Send(Lan, h.FromH1(LanAddress, 253, new byte[16]));
        h.Emit.Dropped.Single(d => d.Reason == (int)RouterDrop.ProtocolUnreachable);
        var icmp = Ipv6Packets.Payload(h.Emit.SentTo(Lan));
        Assert.Equal((4, 1), (icmp[0], icmp[1]));
        Assert.Equal(6u, BinaryPrimitives.ReadUInt32BigEndian(icmp[4..]));
    }

    [Theory]
    [InlineData("truncated chain", RouterDrop.BadExtensionHeader)]
    [InlineData("late hop-by-hop", RouterDrop.BadExtensionHeader)]
    [InlineData("fragment", RouterDrop.LocalFragment)]
    public void Packets_for_the_router_with_bad_extension_headers_or_fragments_are_dropped_by_reason(string shape, RouterDrop reason)
    {
        var h = Ready();
        (byte next, byte[] payload) = shape switch
        {
            "truncated chain" => ((byte)60, new byte[] { 17, 4, 0, 0, 0, 0, 0, 0 }),
            "late hop-by-hop" => ((byte)60, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0 }),
            _ => ((byte)44, new byte[] { 17, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }),
        };
        h.Send(Lan, h.FromH1(LanAddress, next, payload));

        h.Emit.AssertDropped(reason);
    }

    [Fact]
    public void Malformed_headers_are_dropped_by_reason()
    {
        var h = Ready();
        var good = h.FromH1(H2, 17, IpPackets.Udp(1, 2));
        var version4 = (byte[])good.Clone();
        version4[14] = 0x40;
        var longer = (byte[])good.Clone();
        longer[14 + 5] += 1; // payload length one more than the frame holds
        var fromGroup = Ipv6Packets.Ip(h.LanMac, H1Mac, "ff02::1", H2, 17, IpPackets.Udp(1, 2));
        var toLoopback = h.FromH1("::1", 17, IpPackets.Udp(1, 2));

        h.Send(Lan, good[..50]);
        h.Emit.AssertDropped(RouterDrop.Truncated);
        h.Send(Lan, version4);
        h.Emit.AssertDropped(RouterDrop.BadVersion);
        h.Send(Lan, longer);
        h.Emit.AssertDropped(RouterDrop.Truncated);
        h.Send(Lan, fromGroup);
        h.Emit.AssertDropped(RouterDrop.MartianSource);
        h.Send(Lan, toLoopback);
        h.Emit.AssertDropped(RouterDrop.MartianDestination);
        h.Send(Lan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::fb"), H1Mac, H1, "ff02::fb", 17, IpPackets.Udp(5353, 5353)));
        h.Emit.AssertDropped(RouterDrop.Multicast);
        h.Send(V4Only, Ipv6Packets.Ip(h.Router.InterfaceMac(V4Only), H1Mac, H1, H2, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.UnsupportedEtherType);
    }

    [Fact]
    public void Padding_after_the_payload_is_cut_before_forwarding()
    {
        var h = Ready();
        var frame = h.FromH1(H2, 17, IpPackets.Udp(1, 2, dataLength: 0));
        var padded = new byte[frame.Length + 6];
        frame.CopyTo(padded, 0);
        h.Send(Lan, padded);

        Assert.Equal(frame.Length, h.Emit.SentTo(Wan).Length);
    }

    [Fact]
    public void Icmpv6_errors_share_the_routers_rate_limit()
    {
        var h = Ready(Default() with { IcmpRate = 1, IcmpBurst = 2 });
        for (int i = 0; i < 5; i++)
        {
            h.Send(Lan, h.FromH1("2001:db9::1", 17, IpPackets.Udp(1, 2)));
        }
        Assert.Equal(2, h.Counters[RouterEvent.IcmpErrors]);
        Assert.Equal(3, h.Counters[RouterEvent.IcmpRateLimited]);
    }

    [Fact]
    public void No_error_is_sent_about_an_icmpv6_error()
    {
        var h = Ready();
        var error = new byte[48];
        error[0] = 1; // destination unreachable, quoting something
        h.Send(Lan, h.FromH1(H2, Ipv6Packets.Icmpv6, error, hopLimit: 1));

        h.Emit.AssertDropped(RouterDrop.TtlExpired);
        Assert.Equal(0, h.Counters[RouterEvent.IcmpErrors]);
    }
}

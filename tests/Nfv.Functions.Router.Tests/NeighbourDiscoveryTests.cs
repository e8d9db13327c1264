using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.Ipv6Harness;

namespace Nfv.Functions.Router.Tests;

public class NeighbourDiscoveryTests
{
    private static byte[] Solicit(Ipv6Harness h, string target, string source = H1, MacAddress? option = null, byte hopLimit = 255) =>
        Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(target)), H1Mac, source, Ipv6Packets.SolicitedNode(target),
            Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation(target, source == "::" ? null : option ?? H1Mac), hopLimit);

    [Fact]
    public void A_solicitation_for_a_router_address_is_answered_with_a_solicited_advertisement_and_teaches_the_solicitor()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Send(Lan, Solicit(h, LanAddress));

        Assert.Equal((int)RouterDrop.NeighbourDiscoveryConsumed, Assert.Single(h.Emit.Dropped).Reason);
        var advertisement = h.Emit.SentTo(Lan);
        Assert.Equal(H1Mac, EthernetHeader.Destination(advertisement));
        Assert.Equal(LanAddress, Ipv6Packets.Src(advertisement));
        Assert.Equal(H1, Ipv6Packets.Dst(advertisement));
        Assert.Equal(255, Ipv6Packets.HopLimit(advertisement));
        var na = Ipv6Packets.Payload(advertisement);
        Assert.Equal(136, na[0]);
        Assert.Equal(0xE0, na[4]); // router, solicited, override
        Assert.Equal(LanAddress, Ipv6Address.Read(na[8..]).ToString());
        Assert.Equal((2, 1), (na[24], na[25]));
        Assert.Equal(h.LanMac, MacAddress.Read(na[26..]));
        Assert.True(Ipv6Packets.ChecksumOk(advertisement));

        Assert.True(h.Router.Neighbours.TryLookup(Lan, Ipv6Address.Parse(H1), h.Time.GetTimestamp(), out var learned));
        Assert.Equal(H1Mac, learned);
    }

    [Fact]
    public void The_link_local_address_is_answered_for_too()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Send(Lan, Solicit(h, h.LanLinkLocal, source: "fe80::10"));

        Assert.Equal(h.LanLinkLocal, Ipv6Address.Read(Ipv6Packets.Payload(h.Emit.SentTo(Lan))[8..]).ToString());
    }

    [Fact]
    public void Solicitations_for_other_nodes_or_another_interfaces_address_are_not_answered()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Send(Lan, Solicit(h, "2001:db8:1::77"));
        h.Emit.AssertDropped(RouterDrop.Multicast); // a group the router is not in
        h.Send(Lan, Solicit(h, WanAddress)); // the group of the lan address too (same last 24 bits), but wan's address
        h.Emit.AssertDropped(RouterDrop.NeighbourDiscoveryConsumed);
    }

    [Theory]
    [InlineData("hop limit 64")]
    [InlineData("bad checksum")]
    [InlineData("code 1")]
    [InlineData("short")]
    [InlineData("zero-length option")]
    [InlineData("option past the end")]
    [InlineData("multicast target")]
    [InlineData("unspecified source with an option")]
    public void Malformed_neighbour_discovery_is_dropped(string defect)
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        byte[] frame = defect switch
        {
            "hop limit 64" => Solicit(h, LanAddress, hopLimit: 64),
            "unspecified source with an option" => Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(LanAddress)), H1Mac, "::",
                Ipv6Packets.SolicitedNode(LanAddress), Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation(LanAddress, H1Mac), 255),
            "multicast target" => Solicit(h, "ff02::1"),
            _ => Solicit(h, LanAddress),
        };
        var icmp = frame.AsSpan(14 + 40);
        switch (defect)
        {
            case "bad checksum":
                icmp[2] ^= 0xFF;
                break;
            case "code 1":
                icmp[1] = 1;
                frame = Ipv6Packets.Ip(h.LanMac, H1Mac, H1, Ipv6Packets.SolicitedNode(LanAddress), 58, icmp.ToArray(), 255);
                break;
            case "short":
                frame = Ipv6Packets.Ip(h.LanMac, H1Mac, H1, Ipv6Packets.SolicitedNode(LanAddress), 58, icmp[..20].ToArray(), 255);
                break;
            case "zero-length option":
                icmp[25] = 0;
                frame = Ipv6Packets.Ip(h.LanMac, H1Mac, H1, Ipv6Packets.SolicitedNode(LanAddress), 58, icmp.ToArray(), 255);
                break;
            case "option past the end":
                icmp[25] = 2;
                frame = Ipv6Packets.Ip(h.LanMac, H1Mac, H1, Ipv6Packets.SolicitedNode(LanAddress), 58, icmp.ToArray(), 255);
                break;
        }
        h.Send(Lan, frame);

        h.Emit.AssertDropped(defect == "bad checksum" ? RouterDrop.BadChecksum : RouterDrop.BadNeighbourDiscovery);
    }

    [Fact]
    public void An_advertisement_refreshes_a_known_neighbour_but_creates_none()
    {
        var h = Ready();
        var moved = FrameBuilder.Mac(0x21);
        h.Send(Wan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::1"), moved, H2, "ff02::1", 58, Ipv6Packets.NeighbourAdvertisement(H2, moved, flags: 0x20), 255));
        Assert.True(h.Router.Neighbours.TryLookup(Wan, Ipv6Address.Parse(H2), h.Time.GetTimestamp(), out var mac));
        Assert.Equal(moved, mac);

        h.Send(Wan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::1"), moved, "2001:db8:2::33", "ff02::1", 58,
            Ipv6Packets.NeighbourAdvertisement("2001:db8:2::33", moved, flags: 0x20), 255));
        Assert.False(h.Router.Neighbours.TryLookup(Wan, Ipv6Address.Parse("2001:db8:2::33"), h.Time.GetTimestamp(), out _));
    }

    [Fact]
    public void A_solicited_advertisement_to_a_group_is_refused()
    {
        var h = Ready();
        h.Send(Wan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::1"), H2Mac, H2, "ff02::1", 58, Ipv6Packets.NeighbourAdvertisement(H2, H2Mac, flags: 0x60), 255));
        h.Emit.AssertDropped(RouterDrop.BadNeighbourDiscovery);
    }

    [Fact]
    public void At_start_each_address_is_checked_for_duplicates_from_the_unspecified_address()
    {
        var h = new Ipv6Harness();
        h.Tick(TimeSpan.Zero);

        var checks = h.Emit.Sent.Where(s => s.Port == Lan && Ipv6Packets.Payload(s.Frame)[0] == 135).ToList();
        Assert.Equal(2, checks.Count); // the link-local and the global address
        foreach (var check in checks)
        {
            Assert.Equal("::", Ipv6Packets.Src(check.Frame));
            var target = Ipv6Address.Read(Ipv6Packets.Payload(check.Frame)[8..]);
            Assert.Equal(target.SolicitedNode.ToString(), Ipv6Packets.Dst(check.Frame));
            Assert.Equal(24, Ipv6Packets.Payload(check.Frame).Length); // no source link-layer option from ::
        }
        Assert.DoesNotContain(h.Emit.Sent, s => s.Port == RouterHarness.Wan + 1); // the IPv4-only interface sends no IPv6
    }

    [Fact]
    public void An_address_another_node_holds_is_found_duplicate_and_no_longer_answered_for()
    {
        var h = new Ipv6Harness();
        h.Tick(TimeSpan.Zero);
        var other = FrameBuilder.Mac(0x66);
        h.Send(Lan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::1"), other, LanAddress, "ff02::1", 58,
            Ipv6Packets.NeighbourAdvertisement(LanAddress, other, flags: 0x20), 255));
        Assert.Equal(1, h.Counters[RouterEvent.DuplicateAddresses]);

        h.Tick(TimeSpan.FromSeconds(2));
        h.Send(Lan, Solicit(h, LanAddress));
        Assert.Empty(h.Emit.Sent);
        h.Send(Lan, Solicit(h, h.LanLinkLocal, source: "fe80::10"));
        Assert.Single(h.Emit.Sent); // the link-local address is still the router's
    }

    [Fact]
    public void After_detection_the_router_defends_its_address_against_another_nodes_check()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Send(Lan, Solicit(h, LanAddress, source: "::"));

        var defence = h.Emit.SentTo(Lan);
        Assert.Equal("ff02::1", Ipv6Packets.Dst(defence));
        Assert.Equal(0xA0, Ipv6Packets.Payload(defence)[4]); // router, override, not solicited
        Assert.Equal(0, h.Counters[RouterEvent.DuplicateAddresses]);
    }

    [Fact]
    public void Router_advertisements_go_out_at_start_and_carry_prefix_mtu_and_link_layer_address()
    {
        var h = new Ipv6Harness();
        h.Tick(TimeSpan.Zero);

        var ra = h.Emit.Sent.Single(s => s.Port == Lan && Ipv6Packets.Payload(s.Frame)[0] == 134).Frame;
        Assert.Equal(Ipv6Packets.GroupMac("ff02::1"), EthernetHeader.Destination(ra));
        Assert.Equal(h.LanLinkLocal, Ipv6Packets.Src(ra));
        Assert.Equal("ff02::1", Ipv6Packets.Dst(ra));
        Assert.Equal(255, Ipv6Packets.HopLimit(ra));
        Assert.True(Ipv6Packets.ChecksumOk(ra));
        var message = Ipv6Packets.Payload(ra);
        Assert.Equal(64, message[4]); // hop limit for hosts
        Assert.Equal(0, message[5]); // neither managed nor other
        Assert.Equal(1800, BinaryPrimitives.ReadUInt16BigEndian(message[6..]));
        var options = Options(message[16..]);
        Assert.Equal(h.LanMac, MacAddress.Read(options[1].AsSpan(2)));
        Assert.Equal(1500u, BinaryPrimitives.ReadUInt32BigEndian(options[5].AsSpan(4)));
        var prefix = options[3];
        Assert.Equal(64, prefix[2]);
        Assert.Equal(0xC0, prefix[3]); // on-link, autonomous
        Assert.Equal("2001:db8:1::", Ipv6Address.Read(prefix.AsSpan(16)).ToString());
        Assert.DoesNotContain(h.Emit.Sent, s => s.Port == Wan && Ipv6Packets.Payload(s.Frame)[0] == 134); // wan does not advertise
    }

    [Fact]
    public void The_first_advertisements_come_quickly_then_at_the_interval()
    {
        var h = new Ipv6Harness();
        var times = new List<TimeSpan>();
        for (int second = 0; second <= 700; second++)
        {
            h.Tick(second == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
            if (h.Emit.Sent.Any(s => s.Port == Lan && Ipv6Packets.Payload(s.Frame)[0] == 134))
            {
                times.Add(TimeSpan.FromSeconds(second));
            }
        }
        Assert.Equal([0, 16, 32, 232, 432, 632], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void A_router_solicitation_is_answered_at_once_then_no_more_than_every_three_seconds()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        var rs = Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::2"), H1Mac, "fe80::10", "ff02::2", 58, Ipv6Packets.RouterSolicitation(H1Mac), 255);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Send(Lan, rs);
        Assert.Equal(134, Ipv6Packets.Payload(h.Emit.SentTo(Lan))[0]);
        Assert.True(h.Router.Neighbours.TryLookup(Lan, Ipv6Address.Parse("fe80::10"), h.Time.GetTimestamp(), out _));

        h.Send(Lan, rs);
        Assert.Empty(h.Emit.Sent);
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Empty(h.Emit.Sent);
        h.Tick(TimeSpan.FromSeconds(2));
        Assert.Equal(134, Ipv6Packets.Payload(h.Emit.SentTo(Lan))[0]);
    }

    [Fact]
    public void Run_per_worker_instance_0_alone_advertises_and_the_other_hands_it_the_solicitations_it_reads()
    {
        var share = new NeighbourShare<Ipv6Address>(16, (long)(RouterOptions.DefaultNeighbourReachable.TotalSeconds * TimeProvider.System.TimestampFrequency));
        var (first, second) = (new Ipv6Harness(neighbourShare: share, instance: 0), new Ipv6Harness(neighbourShare: share, instance: 1));
        int firstSent = 0, secondSent = 0;
        for (int tick = 0; tick <= 40; tick++)
        {
            first.Tick(tick == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
            second.Tick(tick == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
            firstSent += first.Emit.Sent.Count(s => s.Port == Lan && Ipv6Packets.Payload(s.Frame)[0] == 134);
            secondSent += second.Emit.Sent.Count(s => s.Port == Lan && Ipv6Packets.Payload(s.Frame)[0] == 134);
        }
        Assert.Equal((3, 0), (firstSent, secondSent)); // at 0, 16 and 32 s, from instance 0 only

        var rs = Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::2"), H1Mac, "fe80::10", "ff02::2", 58, Ipv6Packets.RouterSolicitation(H1Mac), 255);
        second.Time.Advance(TimeSpan.FromSeconds(5));
        second.Send(Lan, rs);

        Assert.Empty(second.Emit.Sent);
        var handed = Assert.Single(second.Emit.HandedOver);
        Assert.Equal((0, Lan), (handed.Instance, handed.InputPort));
        first.Time.Advance(TimeSpan.FromSeconds(5));
        first.Send(Lan, handed.Frame); // instance 0 answers it
        Assert.Equal(134, Ipv6Packets.Payload(first.Emit.SentTo(Lan))[0]);
    }

    [Fact]
    public void A_solicitation_on_an_interface_that_does_not_advertise_is_not_served()
    {
        var h = new Ipv6Harness();
        h.SettleAddresses();
        h.Send(Wan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::2"), H2Mac, "::", "ff02::2", 58, Ipv6Packets.RouterSolicitation(null), 255));
        h.Emit.AssertDropped(RouterDrop.LocalUnserved);
    }

    [Fact]
    public void The_neighbour_cache_stays_bounded_under_a_solicitation_flood_and_known_neighbours_keep_working()
    {
        var h = Ready(Ipv6Harness.Default() with { NeighbourCacheSize = 64 });
        var random = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            string source = $"2001:db8:1::{random.Next(0x100, 0xFFFF):x}:{random.Next(1, 0xFFFF):x}";
            h.Send(Lan, Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(LanAddress)), FrameBuilder.Mac(0x1000 + i), source,
                Ipv6Packets.SolicitedNode(LanAddress), 58, Ipv6Packets.NeighbourSolicitation(LanAddress, FrameBuilder.Mac(0x1000 + i)), 255));
        }
        Assert.Equal(64, h.Router.Neighbours.Count);

        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal(H2Mac, EthernetHeader.Destination(h.Emit.SentTo(Wan)));
    }

    // The options of a router advertisement by type (the last of each type).
    private static Dictionary<int, byte[]> Options(ReadOnlySpan<byte> options)
    {
        var found = new Dictionary<int, byte[]>();
        while (options.Length >= 8)
        {
            int length = options[1] * 8;
            found[options[0]] = options[..length].ToArray();
            options = options[length..];
        }
        return found;
    }
}

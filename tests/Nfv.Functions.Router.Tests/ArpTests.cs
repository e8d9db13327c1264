using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.RouterHarness;

namespace Nfv.Functions.Router.Tests;

public class ArpTests
{
    [Fact]
    public void Answers_a_request_for_its_address_and_learns_the_asker()
    {
        var h = new RouterHarness();
        h.Send(Lan, IpPackets.Arp(1, MacAddress.Broadcast, H1Mac, H1, default, "10.0.0.1"));

        h.Emit.AssertSentTo(Lan);
        var reply = h.Emit.SentTo(Lan).AsSpan();
        Assert.Equal(H1Mac, EthernetHeader.Destination(reply));
        Assert.Equal(h.LanMac, EthernetHeader.Source(reply));
        var arp = reply[14..];
        Assert.Equal(ArpHeader.OperationReply, ArpHeader.Operation(arp));
        Assert.Equal(h.LanMac, ArpHeader.SenderMac(arp));
        Assert.Equal("10.0.0.1", ArpHeader.SenderIp(arp).ToString());
        Assert.Equal(H1Mac, ArpHeader.TargetMac(arp));
        Assert.Equal(H1, ArpHeader.TargetIp(arp).ToString());
        Assert.True(h.Router.Arp.TryLookup(Lan, Ipv4Address.Parse(H1), h.Time.GetTimestamp(), out var mac));
        Assert.Equal(H1Mac, mac);
    }

    [Fact]
    public void Run_per_worker_an_instance_uses_what_another_learned_when_the_answer_reached_that_one()
    {
        // Two instances of one router (two workers): a host's ARP frames reach whichever the kernel's queue choice says.
        var share = new NeighbourShare<Ipv4Address>(16, (long)(RouterOptions.DefaultArpReachable.TotalSeconds * TimeProvider.System.TimestampFrequency));
        RouterHarness a = new(arpShare: share), b = new(arpShare: share); // their fake clocks tick alike

        a.Send(Lan, a.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal((int)RouterDrop.ArpQueued, Assert.Single(a.Emit.Dropped).Reason); // waits; a's request goes out
        b.Send(Wan, IpPackets.Arp(2, b.WanMac, H2Mac, H2, b.WanMac, "192.0.2.1")); // the answer reaches b

        a.Tick(TimeSpan.FromMilliseconds(100)); // a's next timer call: the packet leaves, no second request
        var sent = Assert.Single(a.Emit.Sent);
        Assert.Equal(Wan, sent.Port);
        Assert.Equal(H2Mac, EthernetHeader.Destination(sent.Frame));
        Assert.Equal(IpPackets.Udp(1, 2), IpPackets.L4(sent.Frame).ToArray());

        // A next hop only b has met (H1 asked b for the router): a sends to it at once, asking nobody.
        b.Teach(Lan, H1Mac, H1);
        a.Emit.Clear();
        a.Send(Wan, IpPackets.Ip(a.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(5, 6)));
        Assert.Equal(H1Mac, EthernetHeader.Destination(Assert.Single(a.Emit.Sent).Frame));
        Assert.True(a.Router.Arp.TryLookup(Lan, Ipv4Address.Parse(H1), a.Time.GetTimestamp(), out _));
    }

    [Fact]
    public void Run_per_worker_the_instances_hold_the_arp_cache_size_together_and_are_shown_as_one_table()
    {
        var options = Default() with { ArpCacheSize = 2 };
        var share = new NeighbourShare<Ipv4Address>(options.ArpCacheSize, (long)(options.ArpReachable.TotalSeconds * TimeProvider.System.TimestampFrequency));
        RouterHarness a = new(options, arpShare: share), b = new(options, arpShare: share);
        a.Teach(Lan, H1Mac, H1);
        b.Teach(Wan, H2Mac, H2);
        a.Teach(Lan, H1Mac, H1); // known: takes no second place

        b.Teach(Lan, FrameBuilder.Mac(0x30), "10.0.0.30"); // a third neighbour: the router holds two, over both instances

        Assert.Equal((1, 1), (a.Router.Arp.Count, b.Router.Arp.Count));
        Assert.Equal(1, b.Router.Arp.NotLearned);
        var arp = FunctionTable.OfInstances([a.Router.Tables[1], b.Router.Tables[1]]);
        Assert.Equal(("arp", 2, 2), (arp.Name, arp.Count, arp.Capacity));
        Assert.Equal([$"lan {H1} {H1Mac}", $"wan {H2} {H2Mac}"], arp.Rows().Select(r => $"{r[0]} {r[1]} {r[2]}").Order());
        var routes = FunctionTable.OfInstances([a.Router.Tables[0], b.Router.Tables[0]]);
        Assert.Equal(a.Router.Tables[0].Rows().Count(), routes.Rows().Count()); // the same in each instance: listed once
    }

    [Fact]
    public void Does_not_answer_for_an_address_of_another_interface_or_a_stranger()
    {
        var h = new RouterHarness();
        h.Send(Lan, IpPackets.Arp(1, MacAddress.Broadcast, H1Mac, H1, default, "192.0.2.1"));
        h.Emit.AssertDropped(RouterDrop.ArpConsumed);
        h.Send(Lan, IpPackets.Arp(1, MacAddress.Broadcast, H1Mac, H1, default, "10.0.0.99"));
        h.Emit.AssertDropped(RouterDrop.ArpConsumed);
        Assert.Equal(0, h.Router.Arp.Count);
    }

    [Fact]
    public void Resolves_a_next_hop_queues_the_packets_and_sends_them_when_the_reply_comes()
    {
        var h = new RouterHarness();
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        // Queued (a copy), and a broadcast request out of wan from wan's address.
        Assert.Equal((int)RouterDrop.ArpQueued, Assert.Single(h.Emit.Dropped).Reason);
        var request = h.Emit.SentTo(Wan).AsSpan();
        Assert.Equal(MacAddress.Broadcast, EthernetHeader.Destination(request));
        Assert.Equal(ArpHeader.OperationRequest, ArpHeader.Operation(request[14..]));
        Assert.Equal("192.0.2.1", ArpHeader.SenderIp(request[14..]).ToString());
        Assert.Equal(H2, ArpHeader.TargetIp(request[14..]).ToString());

        // A second packet waits behind the same resolution: no second request.
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(3, 4)));
        Assert.Empty(h.Emit.Sent);

        h.Send(Wan, IpPackets.Arp(2, h.WanMac, H2Mac, H2, h.WanMac, "192.0.2.1"));
        Assert.Equal(2, h.Emit.Sent.Count);
        Assert.All(h.Emit.Sent, s =>
        {
            Assert.Equal(Wan, s.Port);
            Assert.Equal(H2Mac, EthernetHeader.Destination(s.Frame));
            Assert.Equal(h.WanMac, EthernetHeader.Source(s.Frame));
            Assert.Equal(63, IpPackets.Ttl(s.Frame));
        });
        Assert.Equal(0, h.Emit.Pool.Capacity - h.Emit.Pool.Available);
    }

    [Fact]
    public void The_queue_per_next_hop_is_bounded()
    {
        var h = new RouterHarness(Default() with { ArpQueueLength = 2 });
        for (int i = 0; i < 4; i++)
        {
            h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        }
        Assert.Equal((int)RouterDrop.ArpQueueFull, Assert.Single(h.Emit.Dropped).Reason);
        Assert.Equal(2, h.Router.Arp.Waiting);
    }

    [Fact]
    public void Retries_three_times_then_sends_host_unreachable_for_what_waited()
    {
        var h = new RouterHarness();
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal(1, h.Counters[RouterEvent.ArpRequests]);

        h.Tick(TimeSpan.FromMilliseconds(500));
        Assert.Empty(h.Emit.Sent);
        h.Tick(TimeSpan.FromMilliseconds(600));
        Assert.Equal(Wan, Assert.Single(h.Emit.Sent).Port);
        h.Tick(TimeSpan.FromSeconds(1));
        Assert.Equal(Wan, Assert.Single(h.Emit.Sent).Port);
        Assert.Equal(3, h.Counters[RouterEvent.ArpRequests]);

        h.Tick(TimeSpan.FromSeconds(1));
        var error = Assert.Single(h.Emit.Sent);
        Assert.Equal(Lan, error.Port);
        Assert.Equal(H1Mac, EthernetHeader.Destination(error.Frame));
        var icmp = IpPackets.L4(error.Frame);
        Assert.Equal((3, 1), (icmp[0], icmp[1]));
        Assert.Equal(1, h.Counters[RouterEvent.ArpFailed]);
        Assert.Equal(0, h.Router.Arp.Count);
        Assert.Equal(0, h.Router.Arp.Waiting);
    }

    [Fact]
    public void A_stale_entry_keeps_carrying_traffic_while_probes_confirm_it_and_goes_when_none_is_answered()
    {
        var h = new RouterHarness(Default() with { ArpReachable = TimeSpan.FromSeconds(30) });
        h.Teach(Wan, H2Mac, H2);
        h.Teach(Lan, H1Mac, H1);
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertSentTo(Wan);

        // Past the reachable time: the packet still goes to the known MAC, no packet waits, and a probe follows.
        h.Time.Advance(TimeSpan.FromSeconds(31));
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal(H2Mac, EthernetHeader.Destination(h.Emit.SentTo(Wan)));
        Assert.Empty(h.Emit.Dropped);
        h.Emit.Clear();
        h.Router.OnTimer(h.Emit);
        Assert.Equal(ArpHeader.OperationRequest, ArpHeader.Operation(h.Emit.SentTo(Wan).AsSpan(14)));

        // Every probe unanswered: the entry goes and the next packet waits for a new resolution.
        for (int i = 0; i < RouterOptions.DefaultArpAttempts; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Router.OnTimer(h.Emit);
        }
        Assert.False(h.Router.Arp.TryLookup(Wan, Ipv4Address.Parse(H2), h.Time.GetTimestamp(), out _));
        h.Emit.Clear();
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal((int)RouterDrop.ArpQueued, Assert.Single(h.Emit.Dropped).Reason);
    }

    [Fact]
    public void An_answered_probe_makes_a_stale_entry_reachable_again()
    {
        var h = new RouterHarness(Default() with { ArpReachable = TimeSpan.FromSeconds(30) });
        h.Teach(Wan, H2Mac, H2);
        h.Teach(Lan, H1Mac, H1);
        h.Time.Advance(TimeSpan.FromSeconds(31));
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        h.Router.OnTimer(h.Emit);
        h.Teach(Wan, H2Mac, H2); // the reply

        for (int i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Router.OnTimer(h.Emit);
        }
        Assert.Equal("reachable", h.Router.Arp.Snapshot(h.Time.GetTimestamp()).Single(e => e.Interface == Wan).State.ToString().ToLowerInvariant());
        Assert.True(h.Router.Arp.TryLookup(Wan, Ipv4Address.Parse(H2), h.Time.GetTimestamp(), out var mac));
        Assert.Equal(H2Mac, mac);
    }

    [Fact]
    public void Gratuitous_arp_updates_an_existing_entry_but_creates_none()
    {
        var h = new RouterHarness();
        h.Teach(Wan, H2Mac, H2);
        var moved = FrameBuilder.Mac(0x21);
        h.Send(Wan, IpPackets.Arp(1, MacAddress.Broadcast, moved, H2, default, H2));
        h.Emit.AssertDropped(RouterDrop.ArpConsumed);
        Assert.True(h.Router.Arp.TryLookup(Wan, Ipv4Address.Parse(H2), h.Time.GetTimestamp(), out var mac));
        Assert.Equal(moved, mac);

        h.Send(Wan, IpPackets.Arp(1, MacAddress.Broadcast, FrameBuilder.Mac(0x33), "192.0.2.33", default, "192.0.2.33"));
        Assert.False(h.Router.Arp.TryLookup(Wan, Ipv4Address.Parse("192.0.2.33"), h.Time.GetTimestamp(), out _));
    }

    [Fact]
    public void The_cache_is_bounded()
    {
        var h = new RouterHarness(Default() with { ArpCacheSize = 2 });
        for (int i = 0; i < 3; i++)
        {
            h.Send(Lan, IpPackets.Arp(1, MacAddress.Broadcast, FrameBuilder.Mac(0x40 + i), $"10.0.0.{40 + i}", default, "10.0.0.1"));
        }
        Assert.Equal(2, h.Router.Arp.Count);
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.ArpQueueFull);
        Assert.Equal(1, h.Counters[RouterEvent.ArpTableFull]);
    }

    [Fact]
    public void Bad_arp_is_dropped()
    {
        var h = new RouterHarness();
        var frame = IpPackets.Arp(1, MacAddress.Broadcast, H1Mac, H1, default, "10.0.0.1");
        frame[14 + 4] = 8;
        h.Send(Lan, frame);
        h.Emit.AssertDropped(RouterDrop.BadArp);
        h.Send(Lan, frame.AsSpan(0, 30).ToArray());
        h.Emit.AssertDropped(RouterDrop.BadArp);
    }
}

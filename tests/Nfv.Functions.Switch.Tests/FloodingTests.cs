using Nfv.Abstractions.Headers;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using Nfv.Testing;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class FloodingTests
{
    [Fact]
    public void Broadcast_ReachesEveryOtherPort_NeverTheIngressPort()
    {
        var h = new SwitchHarness(AccessPorts(5));
        var frame = Ethernet(Broadcast, A);

        h.Send(2, frame);

        h.Emit.AssertSentTo(0, 1, 3, 4);
        Assert.All(h.Emit.Sent, s => Assert.Equal(frame, s.Frame));
    }

    [Fact]
    public void Multicast_IsFloodedLikeBroadcast_EvenToALearnedPort()
    {
        var h = new SwitchHarness(AccessPorts(4));
        h.Announce(1, B);

        h.Send(0, Ethernet(Multicast, A));

        h.Emit.AssertSentTo(1, 2, 3);
    }

    [Fact]
    public void Ipv6_neighbour_discovery_to_a_solicited_node_group_floods_and_the_unicast_answer_goes_to_the_learned_port()
    {
        var h = new SwitchHarness(AccessPorts(4));
        var solicitation = Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode("2001:db8::b")), A, "2001:db8::a",
            Ipv6Packets.SolicitedNode("2001:db8::b"), Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation("2001:db8::b", A), 255);

        h.Send(0, solicitation);
        h.Emit.AssertSentTo(1, 2, 3); // 33:33:ff:00:00:0b is a group: flooded, as IPv4 multicast is
        Assert.All(h.Emit.Sent, s => Assert.Equal(solicitation, s.Frame));

        h.Send(2, Ipv6Packets.Ip(A, B, "2001:db8::b", "2001:db8::a", Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourAdvertisement("2001:db8::b", B), 255));
        h.Emit.AssertSentTo(0);
    }

    [Fact]
    public void Flood_NeverGoesToUnconnectedPorts()
    {
        var h = new SwitchHarness(new SwitchOptions { Ports = AccessPorts(5) }, connected: [true, false, true, true, false]);

        h.Send(0, Ethernet(Broadcast, A));
        h.Emit.AssertSentTo(2, 3);

        h.Send(3, Ethernet(C, B));   // unknown unicast too
        h.Emit.AssertSentTo(0, 2);
    }

    [Fact]
    public void Flood_CopiesForAllButOnePort_AndSendsTheOriginalLast()
    {
        var h = new SwitchHarness(AccessPorts(4));

        h.Send(0, Ethernet(Broadcast, A));

        Assert.Equal(2, h.Emit.Clones);
        Assert.Equal([true, true, false], h.Emit.Sent.Select(s => s.WasClone));
    }

    [Fact]
    public void Frame_WithOnlyOneOtherPortInItsVlan_IsNotCopied()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Access("b", 10), SwitchPort.Access("c", 20));

        h.Send(0, Ethernet(Broadcast, A));

        h.Emit.AssertSentTo(1);
        Assert.Equal(0, h.Emit.Clones);
    }

    [Fact]
    public void Flood_WithNoOtherPortInTheVlan_IsDropped()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Access("b", 20));

        h.Send(0, Ethernet(Broadcast, A));

        h.Emit.AssertDropped(SwitchDrop.NoEgressPort);
        Assert.Equal(0, h.Counters[SwitchEvent.Flooded]);
    }

    [Fact]
    public void Flood_WhenThePoolIsEmpty_StillSendsTheOriginal_AndCountsTheLostCopies()
    {
        var h = new SwitchHarness(AccessPorts(4));
        h.Emit.PoolExhausted = true;

        h.Send(0, Ethernet(Broadcast, A));

        h.Emit.AssertSentTo(3);
        Assert.Equal(2, h.Counters[SwitchEvent.CopyFailed]);
    }

    [Fact]
    public void StpBpdus_AreFlooded_OtherIeeeReservedGroups_AreNot()
    {
        var h = new SwitchHarness(AccessPorts(3));

        h.Send(0, Ethernet(MacAddress.Parse("01:80:c2:00:00:00"), A, 39, etherType: 0x0027));
        h.Emit.AssertSentTo(1, 2);

        h.Send(0, Ethernet(MacAddress.Parse("01:80:c2:00:00:0e"), A, 46, etherType: 0x88CC)); // LLDP
        h.Emit.AssertDropped(SwitchDrop.ReservedGroup);

        h.Send(0, Ethernet(MacAddress.Parse("01:80:c2:00:00:02"), A, 46, etherType: 0x8809)); // LACP
        h.Emit.AssertDropped(SwitchDrop.ReservedGroup);

        h.Send(0, Ethernet(MacAddress.Parse("01:80:c2:00:00:10"), A)); // not reserved
        h.Emit.AssertSentTo(1, 2);
    }
}

using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;
using Dissect = PacketDotNet;

namespace Nfv.Functions.Switch.Tests;

public class VlanTests
{
    [Fact]
    public void AccessToTrunk_PushesATagWithTheAccessVlan()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10, 20]));
        var frame = Ethernet(B, A, payloadLength: 100);

        h.Send(0, frame);

        var sent = h.Emit.SentTo(1);
        Assert.Equal(Tag(frame, 10), sent);
        // Cross-check with an independent dissector.
        var ethernet = (Dissect.EthernetPacket)Dissect.Packet.ParsePacket(Dissect.LinkLayers.Ethernet, sent);
        Assert.Equal(Dissect.EthernetType.VLanTaggedFrame, ethernet.Type);
        var tag = ethernet.Extract<Dissect.Ieee8021QPacket>();
        Assert.Equal(10, tag.VlanIdentifier);
        Assert.Equal(Dissect.EthernetType.IPv4, tag.Type);
    }

    [Fact]
    public void TrunkToAccess_PopsTheTag()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10, 20]));
        var frame = Tagged(A, B, vlan: 10, payloadLength: 100, priority: 5);

        h.Send(1, frame);

        Assert.Equal(Untag(frame), h.Emit.SentTo(0));
    }

    [Fact]
    public void TrunkToTrunk_KeepsTheTagAndItsPriority()
    {
        var h = new SwitchHarness(SwitchPort.Trunk("up", [10, 20]), SwitchPort.Trunk("down", [10]));
        var frame = Tagged(Broadcast, A, vlan: 10, priority: 5);

        h.Send(0, frame);

        var sent = h.Emit.SentTo(1);
        Assert.Equal(frame, sent);
        Assert.Equal(5, PriorityOf(sent));
    }

    [Fact]
    public void UntaggedFrameOnATrunk_BelongsToTheNativeVlan()
    {
        var h = new SwitchHarness(
            SwitchPort.Trunk("up", [10], native: 1), SwitchPort.Access("a", 1), SwitchPort.Access("b", 10));
        var frame = Ethernet(Broadcast, A);

        h.Send(0, frame);

        h.Emit.AssertSentTo(1);
        Assert.Equal(frame, h.Emit.SentTo(1));
    }

    [Fact]
    public void NativeVlan_LeavesATrunkUntagged()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 1), SwitchPort.Trunk("up", [10, 20], native: 1));
        var frame = Ethernet(Broadcast, A);

        h.Send(0, frame);

        Assert.Equal(frame, h.Emit.SentTo(1));
    }

    [Fact]
    public void FrameTaggedWithTheNativeVid_IsAccepted_AndTaggedOrNotPerEgressPort()
    {
        var h = new SwitchHarness(
            SwitchPort.Trunk("up", [10], native: 1),  // native 1, accepts a frame tagged 1
            SwitchPort.Trunk("t2", [1, 10]),          // carries 1 tagged
            SwitchPort.Access("a", 1));
        var frame = Tagged(Broadcast, A, vlan: 1, priority: 3);

        h.Send(0, frame);

        h.Emit.AssertSentTo(1, 2);
        Assert.Equal(frame, h.Emit.SentTo(1));
        Assert.Equal(Untag(frame), h.Emit.SentTo(2));
    }

    [Fact]
    public void UntaggedFrameOnATrunkWithoutNativeVlan_IsDropped()
    {
        var h = new SwitchHarness(SwitchPort.Trunk("up", [10, 20]), SwitchPort.Access("a", 10));

        h.Send(0, Ethernet(Broadcast, A));

        h.Emit.AssertDropped(SwitchDrop.UntaggedOnTrunk);
        Assert.Equal(0, h.Switch.MacCount);
    }

    [Fact]
    public void TaggedFrameInAVlanTheTrunkDoesNotCarry_IsDropped()
    {
        var h = new SwitchHarness(SwitchPort.Trunk("up", [10, 20]), SwitchPort.Access("a", 30));

        h.Send(0, Tagged(Broadcast, A, vlan: 30));

        h.Emit.AssertDropped(SwitchDrop.VlanNotAllowed);
    }

    [Fact]
    public void TaggedFrameOnAnAccessPort_IsDropped_EvenInItsOwnVlan()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10]));

        h.Send(0, Tagged(Broadcast, A, vlan: 10));

        h.Emit.AssertDropped(SwitchDrop.TaggedOnAccess);
    }

    [Fact]
    public void PriorityTaggedFrame_BelongsToThePortsUntaggedVlan_AndKeepsItsPriorityWhenTagged()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Access("b", 10), SwitchPort.Trunk("up", [10]));
        var frame = Tagged(Broadcast, A, vlan: 0, priority: 6);

        h.Send(0, frame);

        h.Emit.AssertSentTo(1, 2);
        Assert.Equal(Untag(frame), h.Emit.SentTo(1));
        Assert.Equal(Tagged(Broadcast, A, vlan: 10, priority: 6), h.Emit.SentTo(2));
    }

    [Fact]
    public void FrameInVlan10_NeverReachesAPortOfVlan20()
    {
        var h = new SwitchHarness(
            SwitchPort.Access("a", 10), SwitchPort.Access("b", 10),
            SwitchPort.Access("c", 20), SwitchPort.Access("d", 20), SwitchPort.Trunk("up", [20]));

        h.Send(0, Ethernet(Broadcast, A));
        h.Emit.AssertSentTo(1);

        h.Send(0, Ethernet(C, A));   // unknown unicast
        h.Emit.AssertSentTo(1);

        h.Announce(2, C);            // C exists, but in VLAN 20
        h.Send(0, Ethernet(C, A));
        h.Emit.AssertSentTo(1);
    }

    [Fact]
    public void TheSameAddressInTwoVlans_IsLearnedIndependently()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Access("b", 20), SwitchPort.Trunk("up", [10, 20]));
        h.Announce(0, A);                       // A in VLAN 10 on port 0
        h.Send(2, Tagged(Broadcast, A, 20));    // A in VLAN 20 on the trunk
        h.Emit.Clear();

        h.Send(2, Tagged(A, B, 10));
        Assert.Equal(Untag(Tagged(A, B, 10)), h.Emit.SentTo(0));

        h.Send(1, Ethernet(A, B));
        Assert.Equal(Tagged(A, B, 20), h.Emit.SentTo(2));
        Assert.Equal(0, h.Counters[SwitchEvent.Moved]);
    }

    [Fact]
    public void Flood_EncapsulatesEachCopyForItsOwnPort()
    {
        var h = new SwitchHarness(
            SwitchPort.Access("a", 10), SwitchPort.Access("b", 10),
            SwitchPort.Trunk("up", [10, 20]), SwitchPort.Trunk("n", [5], native: 10));
        var frame = Ethernet(Broadcast, A);

        h.Send(0, frame);
        h.Emit.AssertSentTo(1, 2, 3);
        Assert.Equal(frame, h.Emit.SentTo(1));
        Assert.Equal(Tag(frame, 10), h.Emit.SentTo(2));
        Assert.Equal(frame, h.Emit.SentTo(3));

        var tagged = Tagged(Broadcast, B, vlan: 10, priority: 2);
        h.Send(2, tagged);
        h.Emit.AssertSentTo(0, 1, 3);
        Assert.Equal(Untag(tagged), h.Emit.SentTo(0));
        Assert.Equal(Untag(tagged), h.Emit.SentTo(1));
        Assert.Equal(Untag(tagged), h.Emit.SentTo(3));
    }

    [Fact]
    public void KnownUnicast_FromAccessToTrunk_IsTagged_AndTheReplyUntagged()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10, 20]), SwitchPort.Access("c", 10));
        h.Send(1, Tagged(Broadcast, B, 10));     // B behind the trunk in VLAN 10
        h.Announce(0, A);

        var frame = Ethernet(B, A);
        h.Send(0, frame);
        Assert.Equal(Tag(frame, 10), h.Emit.SentTo(1));
        h.Emit.AssertSentTo(1);

        var reply = Tagged(A, B, 10);
        h.Send(1, reply);
        h.Emit.AssertSentTo(0);
        Assert.Equal(Untag(reply), h.Emit.SentTo(0));
    }
}

using Nfv.Abstractions;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class MalformedFrameTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(13)]
    public void FrameShorterThanAnEthernetHeader_IsDroppedAsRunt(int length)
    {
        var h = new SwitchHarness(AccessPorts(2));

        h.Send(0, Ethernet(Broadcast, A)[..length]);

        h.Emit.AssertDropped(SwitchDrop.Runt);
    }

    [Fact]
    public void BareHeader_IsAFrame()
    {
        var h = new SwitchHarness(AccessPorts(2));

        h.Send(0, Ethernet(Broadcast, A, payloadLength: 0));

        h.Emit.AssertSentTo(1);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(16)]
    [InlineData(17)]
    public void FrameThatClaimsATagButIsTooShortForIt_IsDroppedAsTruncated(int length)
    {
        var h = new SwitchHarness(SwitchPort.Trunk("up", [10]), SwitchPort.Access("a", 10));

        h.Send(0, Tagged(Broadcast, A, vlan: 10, payloadLength: 0)[..length]);

        h.Emit.AssertDropped(SwitchDrop.Truncated);
    }

    [Fact]
    public void TaggedFrameOfExactly18Bytes_IsForwarded()
    {
        var h = new SwitchHarness(SwitchPort.Trunk("up", [10]), SwitchPort.Access("a", 10));

        h.Send(0, Tagged(Broadcast, A, vlan: 10, payloadLength: 0));

        Assert.Equal(14, h.Emit.SentTo(1).Length);
    }

    [Theory]
    [InlineData(1500, false, true)]  // 1514 bytes: fits an MTU of 1500
    [InlineData(1501, false, false)]
    [InlineData(1500, true, true)]   // 1518 bytes with a tag
    [InlineData(1501, true, false)]
    public void FrameLongerThanTheMtu_IsDroppedAsOversize(int payload, bool tagged, bool passes)
    {
        var h = new SwitchHarness(new SwitchOptions { Mtu = 1500, Ports = [SwitchPort.Trunk("up", [10], native: 10), SwitchPort.Access("a", 10)] });
        var frame = tagged ? Tagged(Broadcast, A, 10, payload) : Ethernet(Broadcast, A, payload);

        h.Send(0, frame);

        if (passes)
        {
            h.Emit.AssertSentTo(1);
        }
        else
        {
            h.Emit.AssertDropped(SwitchDrop.Oversize);
        }
    }

    [Fact]
    public void DoubleTaggedFrame_GetsRoomForBothTags()
    {
        var h = new SwitchHarness(new SwitchOptions { Mtu = 1500, Ports = AccessPorts(2) });
        // An 802.1ad frame is untagged data for this 802.1Q switch; its two tags still do not count against the MTU.
        var frame = Tag(Tag(Ethernet(Broadcast, A, 1500), 100), 200, tpid: 0x88A8);

        h.Send(0, frame);

        h.Emit.AssertSentTo(1);
        Assert.Equal(frame, h.Emit.SentTo(1));
    }

    [Fact]
    public void GsoSuperFrame_PassesWhole_ButTheSameFrameWithoutGsoIsOversize()
    {
        var h = new SwitchHarness(new SwitchOptions { Mtu = 1500, Ports = AccessPorts(2) });
        var frame = Ethernet(B, A, payloadLength: 65000);
        var gso = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum,
            GsoType = VirtioNetHeader.GsoTcpV4,
            HeaderLength = 66,
            GsoSize = 1448,
            ChecksumStart = 34,
            ChecksumOffset = 16,
        };

        h.Send(0, frame, gso);
        var sent = Assert.Single(h.Emit.Sent);
        Assert.Equal(frame, sent.Frame);
        Assert.Equal(gso, sent.Offload);

        h.Send(0, frame);
        h.Emit.AssertDropped(SwitchDrop.Oversize);
    }

    [Theory]
    [InlineData("ff:ff:ff:ff:ff:ff")]
    [InlineData("01:00:5e:00:00:01")]
    [InlineData("00:00:00:00:00:00")]
    public void GroupOrZeroSourceAddress_IsDropped_AndNotLearned(string source)
    {
        var h = new SwitchHarness(AccessPorts(2));

        h.Send(0, Ethernet(B, Nfv.Abstractions.Headers.MacAddress.Parse(source)));

        h.Emit.AssertDropped(SwitchDrop.InvalidSource);
        Assert.Equal(0, h.Switch.MacCount);
    }

    [Fact]
    public void PacketFromAPortTheSwitchDoesNotHave_IsDropped()
    {
        var h = new SwitchHarness(AccessPorts(2));

        h.Send(7, Ethernet(Broadcast, A));

        h.Emit.AssertDropped(SwitchDrop.UnknownInputPort);
    }
}

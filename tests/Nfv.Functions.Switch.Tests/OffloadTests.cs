using Nfv.Abstractions;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class OffloadTests
{
    // A TCP/IPv4 GSO super-frame with a partial checksum, as a TAP with IFF_VNET_HDR hands it over.
    private static VirtioNetHeader Gso(int shift = 0) => new()
    {
        Flags = VirtioNetHeader.FlagNeedsChecksum,
        GsoType = VirtioNetHeader.GsoTcpV4,
        HeaderLength = (ushort)(66 + shift),
        GsoSize = 1448,
        ChecksumStart = (ushort)(34 + shift),
        ChecksumOffset = 16,
    };

    private static SwitchHarness Create() =>
        new(SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10]), SwitchPort.Access("b", 10));

    [Fact]
    public void PushingATag_MovesChecksumStartAndHeaderLength4BytesLater()
    {
        var h = Create();
        h.Send(1, Tagged(Broadcast, B, 10));   // B behind the trunk

        h.Send(0, Ethernet(B, A, 20000), Gso());

        var sent = Assert.Single(h.Emit.Sent);
        Assert.Equal(1, sent.Port);
        Assert.Equal(Gso(+4), sent.Offload);
    }

    [Fact]
    public void PoppingATag_MovesThem4BytesEarlier()
    {
        var h = Create();
        h.Announce(0, A);

        h.Send(1, Tagged(A, B, 10, 20000), Gso(+4));

        var sent = Assert.Single(h.Emit.Sent);
        Assert.Equal(0, sent.Port);
        Assert.Equal(Gso(), sent.Offload);
    }

    [Fact]
    public void FloodCopies_EachGetTheOffsetsOfTheirOwnEncapsulation()
    {
        var h = Create();

        h.Send(0, Ethernet(Broadcast, A, 3000), Gso());

        Assert.Equal(Gso(), Assert.Single(h.Emit.Sent, s => s.Port == 2).Offload);
        Assert.Equal(Gso(+4), Assert.Single(h.Emit.Sent, s => s.Port == 1).Offload);
    }

    [Fact]
    public void ChecksumOnlyFrame_KeepsItsHeaderLength()
    {
        var h = Create();
        var partial = new VirtioNetHeader { Flags = VirtioNetHeader.FlagNeedsChecksum, ChecksumStart = 34, ChecksumOffset = 6 };

        h.Send(0, Ethernet(Broadcast, A, 200), partial);

        var offload = Assert.Single(h.Emit.Sent, s => s.Port == 1).Offload;
        Assert.Equal(38, offload.ChecksumStart);
        Assert.Equal(0, offload.HeaderLength);
    }

    [Fact]
    public void FrameWithoutHeadroom_IsDroppedWhenATagMustBePushed()
    {
        var h = Create();
        var frame = Ethernet(Broadcast, A);
        var packet = h.Emit.Rent(frame, 0);
        packet.SetFrame(0, frame.Length);   // frame at the very start of the buffer
        frame.CopyTo(packet.Data);

        h.Emit.Process(h.Switch, packet);

        Assert.Equal(frame, h.Emit.SentTo(2));   // the access port needs no tag
        Assert.Equal(1, h.Emit.DropCount(SwitchDrop.NoHeadroom));
    }
}

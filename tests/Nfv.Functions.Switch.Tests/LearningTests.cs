using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class LearningTests
{
    [Fact]
    public void UnknownUnicast_IsFloodedToEveryOtherPort_Unchanged()
    {
        var h = new SwitchHarness(AccessPorts(4));
        var frame = Ethernet(B, A);

        h.Send(0, frame);

        h.Emit.AssertSentTo(1, 2, 3);
        Assert.All(h.Emit.Sent, s => Assert.Equal(frame, s.Frame));
        Assert.Equal(1, h.Counters[SwitchEvent.Flooded]);
        Assert.Equal(0, h.Counters[SwitchEvent.Forwarded]);
    }

    [Fact]
    public void Reply_GoesOnlyToThePortTheDestinationWasLearnedOn()
    {
        var h = new SwitchHarness(AccessPorts(4));

        h.Send(0, Ethernet(B, A));   // A learned on 0; B unknown: flooded
        h.Emit.AssertSentTo(1, 2, 3);

        h.Send(2, Ethernet(A, B));   // B learned on 2; A known: only port 0
        h.Emit.AssertSentTo(0);

        h.Send(0, Ethernet(B, A));   // now both known
        h.Emit.AssertSentTo(2);
        Assert.Equal(2, h.Counters[SwitchEvent.Forwarded]);
        Assert.Equal(1, h.Counters[SwitchEvent.Flooded]);
        Assert.Equal(2, h.Counters[SwitchEvent.Learned]);
    }

    [Fact]
    public void LearnedAddresses_AppearInTheMacTable_WithTheirPortVlanAndAge()
    {
        var h = new SwitchHarness(SwitchPort.Access("a", 10), SwitchPort.Access("b", 10), SwitchPort.Access("c", 20));
        h.Announce(0, A);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Announce(2, B);
        h.Time.Advance(TimeSpan.FromSeconds(2));

        var table = h.Switch.GetMacTable();

        Assert.Equal(
            [new MacTableEntry(10, A, 0, TimeSpan.FromSeconds(7)), new MacTableEntry(20, B, 2, TimeSpan.FromSeconds(2))],
            table);
        Assert.Equal(2, h.Switch.MacCount);
    }

    [Fact]
    public void DestinationOnTheIngressPort_IsDropped_NotSentBack()
    {
        // A and B share the segment behind port 0 (a hub, or a downstream switch).
        var h = new SwitchHarness(AccessPorts(3));
        h.Announce(0, A);
        h.Announce(0, B);

        h.Send(0, Ethernet(B, A));

        h.Emit.AssertDropped(SwitchDrop.SameSegment);
    }

    [Fact]
    public void HostThatMoves_IsRelearnedOnItsNewPort_AndTheMoveIsCounted()
    {
        var h = new SwitchHarness(AccessPorts(3));
        h.Announce(0, A);
        h.Send(1, Ethernet(A, B));
        h.Emit.AssertSentTo(0);

        h.Announce(2, A);            // A now speaks from port 2
        h.Send(1, Ethernet(A, B));

        h.Emit.AssertSentTo(2);
        Assert.Equal(1, h.Counters[SwitchEvent.Moved]);
        Assert.Equal(2, h.Switch.MacCount);
    }

    [Fact]
    public void ABatchOfMixedFrames_EachEndsInExactlyOneEmit()
    {
        var h = new SwitchHarness(AccessPorts(3));
        var e = h.Emit;
        e.Process(h.Switch,
            e.Rent(Ethernet(Broadcast, A), 0),
            e.Rent(Ethernet(A, B), 1),          // A learned by the frame before, in the same batch
            e.Rent(new byte[5], 2),             // runt
            e.Rent(Ethernet(C, B), 1));         // unknown: flood

        Assert.Equal([0, 0, 1, 2, 2], e.SentPorts());
        Assert.Equal(1, e.DropCount(SwitchDrop.Runt));
    }
}

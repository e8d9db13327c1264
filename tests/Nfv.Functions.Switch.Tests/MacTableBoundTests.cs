using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class MacTableBoundTests
{
    private static SwitchHarness Create() =>
        new(new SwitchOptions { MacTableSize = 4, Ageing = TimeSpan.FromSeconds(60), Ports = AccessPorts(3) });

    [Fact]
    public void FullTable_LearnsNoNewAddress_FramesToItStillFlood_AndBothAreCounted()
    {
        var h = Create();
        for (int host = 1; host <= 4; host++)
        {
            h.Announce(0, Mac(host));
        }
        Assert.Equal(4, h.Switch.MacCount);

        h.Send(1, Ethernet(Broadcast, Mac(5)));   // table full: Mac(5) is not learned, its frame still goes out
        h.Emit.AssertSentTo(0, 2);
        Assert.Equal(1, h.Counters[SwitchEvent.TableFull]);

        h.Send(0, Ethernet(Mac(5), Mac(1)));      // so frames to it are flooded
        h.Emit.AssertSentTo(1, 2);
        Assert.Equal(1, h.Counters[SwitchEvent.FloodedTableFull]);

        h.Send(1, Ethernet(Mac(1), Mac(5)));      // while learned addresses still work
        h.Emit.AssertSentTo(0);
    }

    [Fact]
    public void AFloodOfNewAddresses_NeverGrowsTheTable()
    {
        var h = Create();
        for (int host = 1; host <= 1000; host++)
        {
            h.Send(1, Ethernet(Broadcast, Mac(host)));
        }

        Assert.Equal(4, h.Switch.MacCount);
        Assert.Equal(4, h.Switch.GetMacTable().Count);
        Assert.Equal(4, h.Counters[SwitchEvent.Learned]);
        Assert.Equal(996, h.Counters[SwitchEvent.TableFull]);
    }

    [Fact]
    public void ExpiredEntries_MakeRoomAgain()
    {
        var h = Create();
        for (int host = 1; host <= 4; host++)
        {
            h.Announce(0, Mac(host));
        }
        h.Time.Advance(TimeSpan.FromSeconds(61));

        h.Announce(1, Mac(5));   // the batch's periodic sweep frees the expired slots first
        h.Send(0, Ethernet(Mac(5), Mac(1)));

        h.Emit.AssertSentTo(1);
        Assert.Equal(0, h.Counters[SwitchEvent.TableFull]);
        Assert.Equal(4, h.Counters[SwitchEvent.Aged]);
        Assert.Equal(2, h.Switch.MacCount);
    }
}

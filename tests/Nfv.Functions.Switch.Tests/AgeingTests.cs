using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class AgeingTests
{
    private static SwitchHarness Create() =>
        new(new SwitchOptions { Ageing = TimeSpan.FromSeconds(30), Ports = AccessPorts(4) });

    [Fact]
    public void LearnedAddress_IsForgottenAfterTheAgeingTime_AndFramesToItFloodAgain()
    {
        var h = Create();
        h.Announce(0, A);

        h.Time.Advance(TimeSpan.FromSeconds(29));
        h.Send(1, Ethernet(A, B));
        h.Emit.AssertSentTo(0);      // 29 s unseen: still known

        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Send(1, Ethernet(A, B));
        h.Emit.AssertSentTo(0, 2, 3); // 30 s unseen: gone, flooded
    }

    [Fact]
    public void SeeingTheSourceAgain_ResetsItsAge()
    {
        var h = Create();
        h.Announce(0, A);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        h.Announce(0, A);
        h.Time.Advance(TimeSpan.FromSeconds(20));

        h.Send(1, Ethernet(A, B));

        h.Emit.AssertSentTo(0);
    }

    [Fact]
    public void BeingADestination_DoesNotKeepAnAddressAlive()
    {
        var h = Create();
        h.Announce(0, A);
        for (int i = 0; i < 6; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            h.Send(1, Ethernet(A, B));
        }
        Assert.Equal([0, 2, 3], h.Emit.SentPorts());
    }

    [Fact]
    public void Timer_SweepsExpiredEntries_AndCountsThem()
    {
        var h = Create();
        h.Announce(0, A);
        h.Announce(1, B);
        h.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Empty(h.Switch.GetMacTable());   // expired entries are never shown...
        Assert.Equal(2, h.Switch.MacCount);     // ...but hold their slot until swept

        h.Switch.OnTimer(h.Emit);

        Assert.Equal(0, h.Switch.MacCount);
        Assert.Equal(2, h.Counters[SwitchEvent.Aged]);
    }

    [Fact]
    public void Timer_KeepsLiveEntries()
    {
        var h = Create();
        h.Announce(0, A);
        h.Time.Advance(TimeSpan.FromSeconds(25));
        h.Announce(1, B);
        h.Time.Advance(TimeSpan.FromSeconds(10)); // A is 35 s old, B 10 s

        h.Switch.OnTimer(h.Emit);

        var entry = Assert.Single(h.Switch.GetMacTable());
        Assert.Equal(B, entry.Mac);
        Assert.Equal(1, h.Counters[SwitchEvent.Aged]);
    }
}

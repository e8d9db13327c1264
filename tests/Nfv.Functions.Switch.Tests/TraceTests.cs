using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

/// <summary>What the switch states about traced packets (<c>nfv trace</c>), and that untraced ones state nothing.</summary>
public class TraceTests
{
    [Fact]
    public void A_broadcast_states_what_was_learned_and_the_flood()
    {
        var h = new SwitchHarness(AccessPorts(4));
        var decisions = h.Emit.SendTraced(h.Switch, 0, Ethernet(Broadcast, A));

        h.Emit.AssertSentTo(1, 2, 3);
        Assert.Equal([$"learned {A} on p0 (VLAN 1)", "broadcast: flooded to 3 port(s) of VLAN 1"], decisions);
    }

    [Fact]
    public void Known_unicast_states_the_port_and_a_move_is_stated()
    {
        var h = new SwitchHarness(AccessPorts(3));
        h.Announce(1, B);
        h.Announce(0, A);

        var decisions = h.Emit.SendTraced(h.Switch, 0, Ethernet(B, A));
        Assert.Equal([$"{B} is on p1 (VLAN 1): forwarded"], decisions);

        decisions = h.Emit.SendTraced(h.Switch, 2, Ethernet(B, A));
        Assert.Equal([$"{A} moved to p2 (VLAN 1)", $"{B} is on p1 (VLAN 1): forwarded"], decisions);
    }

    [Fact]
    public void Unknown_unicast_and_tags_pushed_and_popped_are_stated()
    {
        var h = new SwitchHarness(SwitchPort.Access("red", 10), SwitchPort.Trunk("up", [10]));
        var decisions = h.Emit.SendTraced(h.Switch, 0, Ethernet(C, A));
        Assert.Equal([$"learned {A} on red (VLAN 10)", $"{C} unknown: flooded to 1 port(s) of VLAN 10", "VLAN 10 tag pushed for trunk up"], decisions);

        decisions = h.Emit.SendTraced(h.Switch, 1, Tagged(A, C, 10));
        Assert.Equal([$"learned {C} on up (VLAN 10)", $"{A} is on red (VLAN 10): forwarded", "VLAN 10 tag popped for red"], decisions);
    }

    [Fact]
    public void An_untraced_frame_states_nothing()
    {
        var h = new SwitchHarness(AccessPorts(2));
        h.Send(0, Ethernet(Broadcast, A));
        Assert.Empty(h.Emit.Decisions);
    }
}

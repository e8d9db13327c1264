using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Testing;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

/// <summary>Port security (<c>max-macs</c>): a port learns at most so many sources; frames from more are dropped.</summary>
public class PortSecurityTests
{
    private static SwitchHarness Create(int maxMacs = 2) => new(new SwitchOptions
    {
        MacTableSize = 64,
        Ageing = TimeSpan.FromSeconds(60),
        Ports = [SwitchPort.Access("p0") with { MaxMacs = maxMacs }, SwitchPort.Access("p1"), SwitchPort.Access("p2")],
    });

    [Fact]
    public void A_port_at_its_limit_drops_frames_from_new_sources_while_its_known_hosts_and_other_ports_go_on()
    {
        var h = Create();
        h.Announce(0, Mac(1));
        h.Announce(0, Mac(2));

        h.Send(0, Ethernet(Broadcast, Mac(3)));
        Assert.Empty(h.Emit.Sent);
        Assert.Equal(1, h.Emit.DropCount(SwitchDrop.PortMacLimit));
        Assert.Equal(2, h.Switch.MacCount);

        h.Send(0, Ethernet(Mac(9), Mac(1)));        // a known host still talks
        h.Emit.AssertSentTo(1, 2);
        for (int host = 10; host < 40; host++)       // and other ports learn as before
        {
            h.Announce(1, Mac(host));
        }
        Assert.Equal(32, h.Switch.MacCount);
    }

    [Fact]
    public void A_host_may_not_move_onto_a_full_port_but_a_move_away_frees_a_place()
    {
        var h = Create();
        h.Announce(0, Mac(1));
        h.Announce(0, Mac(2));
        h.Announce(1, Mac(3));

        h.Send(0, Ethernet(Broadcast, Mac(3)));      // Mac(3) moving onto p0 would be a third address there
        Assert.Equal(1, h.Emit.DropCount(SwitchDrop.PortMacLimit));

        h.Announce(1, Mac(2));                       // Mac(2) moves to p1: p0 has one address now
        h.Send(0, Ethernet(Broadcast, Mac(3)));
        h.Emit.AssertSentTo(1, 2);
        Assert.Equal(2, h.Counters[SwitchEvent.Moved]); // Mac(2) to p1, then Mac(3) to p0
    }

    [Fact]
    public void An_aged_address_frees_its_place_at_the_next_sweep()
    {
        var h = Create(maxMacs: 1);
        h.Announce(0, Mac(1));
        h.Send(0, Ethernet(Broadcast, Mac(2)));
        Assert.Equal(1, h.Emit.DropCount(SwitchDrop.PortMacLimit));

        h.Time.Advance(TimeSpan.FromSeconds(61));
        h.Switch.OnTimer(h.Emit);
        h.Send(0, Ethernet(Broadcast, Mac(2)));
        h.Emit.AssertSentTo(1, 2);
    }

    [Fact]
    public void The_table_counts_entries_per_port_only_when_a_port_has_a_limit()
    {
        var table = new MacTable(16, TimeSpan.FromSeconds(10), TimeSpan.TicksPerSecond, [0, 2]);
        Assert.Equal(MacLearnResult.Learned, table.Learn(1, Mac(1), 1, 0));
        Assert.Equal(MacLearnResult.Learned, table.Learn(1, Mac(2), 1, 0));
        Assert.Equal(MacLearnResult.PortFull, table.Learn(1, Mac(3), 1, 0));
        Assert.Equal(MacLearnResult.Learned, table.Learn(1, Mac(3), 0, 0));
        Assert.Equal((1, 2), (table.CountOn(0), table.CountOn(1)));
        Assert.True(table.Remove(1, Mac(1)));
        Assert.Equal(1, table.CountOn(1));
        table.Clear();
        Assert.Equal((0, 0), (table.CountOn(0), table.CountOn(1)));

        Assert.Equal(-1, new MacTable(16, TimeSpan.FromSeconds(10), TimeSpan.TicksPerSecond).CountOn(0));
    }

    [Theory]
    [InlineData("max-macs: 4", 4, null)]
    [InlineData("max-macs: 0", 0, "'max-macs' of")]
    [InlineData("max-macs: many", 0, "'max-macs' of")]
    public void Max_macs_is_read_from_a_port_and_checked(string setting, int expected, string? error)
    {
        var diagnostics = new DiagnosticBag();
        var blueprint = new SwitchFunctionFactory().Define(new FunctionDefinitionContext("lan",
            FunctionConfig.ParseFunction($"lan: {{ kind: switch, ports: {{ p0: {{ vlan: 10, {setting} }}, up: {{ trunk: [10], {setting} }} }} }}", "lab.yaml"), diagnostics));

        if (error is null)
        {
            Assert.Empty(diagnostics.Items);
            var ports = Assert.IsType<SwitchBlueprint>(blueprint).Options.Ports;
            Assert.All(ports, p => Assert.Equal(expected, p.MaxMacs));
        }
        else
        {
            Assert.Contains(diagnostics.Items, d => d.Message.Contains(error, StringComparison.Ordinal));
        }
    }
}

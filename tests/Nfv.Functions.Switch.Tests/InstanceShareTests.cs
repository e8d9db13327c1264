using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions.Inspection;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

/// <summary>
/// A switch run as an instance per worker: each instance learns from what its worker reads, and a function that runs
/// once (a DHCP server on port 2 here) sends only to the instance on its own worker. The instances share what they
/// learn, so the others reach it without flooding.
/// </summary>
public class InstanceShareTests
{
    private static readonly SwitchOptions Options = new() { Ageing = TimeSpan.FromSeconds(30), Ports = AccessPorts(4) };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MacShare _share;

    public InstanceShareTests() => _share = new MacShare(Options.MacTableSize, SwitchFunction.Ticks(Options.Ageing, _time.TimestampFrequency));

    private SwitchHarness Instance() => new(Options, _time, _share);

    [Fact]
    public void An_address_one_instance_learned_is_reached_from_another_without_flooding()
    {
        var (first, second) = (Instance(), Instance());
        var alone = new SwitchHarness(Options, _time, share: null);
        first.Announce(2, A);

        second.Send(0, Ethernet(A, B));
        alone.Send(0, Ethernet(A, B));

        second.Emit.AssertSentTo(2);
        alone.Emit.AssertSentTo(1, 2, 3); // what an instance sharing nothing does
        Assert.Equal(1, second.Counters[SwitchEvent.Forwarded]);
        Assert.Equal(0, second.Counters[SwitchEvent.Flooded]);
    }

    [Fact]
    public void An_address_in_use_stays_shared_past_the_ageing_time_though_its_instance_only_refreshes_it()
    {
        var (first, second) = (Instance(), Instance());
        for (int elapsed = 0; elapsed <= 60; elapsed += 5)
        {
            first.Announce(2, A); // learned once, then refreshed: put again by the timer calls below
            first.Switch.OnTimer(first.Emit);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        second.Send(0, Ethernet(A, B));

        second.Emit.AssertSentTo(2);
    }

    [Fact]
    public void An_address_no_instance_saw_for_the_ageing_time_floods_again()
    {
        var (first, second) = (Instance(), Instance());
        first.Announce(2, A);
        _time.Advance(TimeSpan.FromSeconds(29));
        second.Send(0, Ethernet(A, B));
        second.Emit.AssertSentTo(2);

        _time.Advance(TimeSpan.FromSeconds(1));
        second.Send(0, Ethernet(A, B));

        second.Emit.AssertSentTo(1, 2, 3);
    }

    [Fact]
    public void A_move_another_instance_sees_is_followed_within_a_second()
    {
        var (first, second) = (Instance(), Instance());
        first.Announce(2, A);
        second.Send(0, Ethernet(A, B));
        second.Emit.AssertSentTo(2);

        first.Announce(3, A);
        _time.Advance(TimeSpan.FromSeconds(1));
        second.Send(0, Ethernet(A, B));

        second.Emit.AssertSentTo(3);
        Assert.Equal(1, first.Counters[SwitchEvent.Moved]);
    }

    [Fact]
    public void The_latest_sighting_wins_over_an_older_one_put_again()
    {
        var (first, second, third) = (Instance(), Instance(), Instance());
        first.Announce(2, A);
        _time.Advance(TimeSpan.FromSeconds(10));
        second.Announce(3, A); // A moved; first has not seen it since
        _time.Advance(TimeSpan.FromSeconds(10));
        first.Switch.OnTimer(first.Emit); // puts again what it still holds: A on port 2, seen 20 s ago

        third.Send(0, Ethernet(A, B));

        third.Emit.AssertSentTo(3);
    }

    [Fact]
    public void The_instances_hold_the_mac_table_size_together_and_a_forgotten_address_frees_a_place_for_either()
    {
        var options = Options with { MacTableSize = 3 };
        var share = new MacShare(options.MacTableSize, SwitchFunction.Ticks(options.Ageing, _time.TimestampFrequency));
        var (first, second) = (new SwitchHarness(options, _time, share), new SwitchHarness(options, _time, share));
        first.Announce(0, A);
        first.Announce(1, B);
        second.Announce(2, C);

        second.Announce(3, Mac(0xD)); // a fourth address: the switch holds three, over both instances

        Assert.Equal(1, second.Counters[SwitchEvent.TableFull]);
        Assert.Equal((2, 1), (first.Switch.MacCount, second.Switch.MacCount));
        var table = FunctionTable.OfInstances([first.Switch.Tables[0], second.Switch.Tables[0]]);
        Assert.Equal((3, 3), (table.Count, table.Capacity));

        _time.Advance(TimeSpan.FromSeconds(31)); // A and B age out of the first instance's table...
        first.Switch.OnTimer(first.Emit);
        second.Announce(3, Mac(0xD)); // ...and the second may learn in their place

        Assert.Equal(1, second.Counters[SwitchEvent.TableFull]); // not refused again
        second.Send(0, Ethernet(Mac(0xD), A));
        second.Emit.AssertSentTo(3); // learned: forwarded, not flooded
    }

    [Fact]
    public void The_instances_are_shown_as_one_table_an_address_both_know_once_as_last_seen()
    {
        var (first, second) = (Instance(), Instance());
        first.Announce(2, A);
        first.Announce(1, B);
        _time.Advance(TimeSpan.FromSeconds(10));
        second.Announce(3, A); // A moved; the first instance has not seen it since

        var table = FunctionTable.OfInstances([first.Switch.Tables[0], second.Switch.Tables[0]]);

        Assert.Equal(3, table.Count); // entries held: A twice, B once
        Assert.Equal(Options.MacTableSize, table.Capacity);
        var rows = table.Rows().Select(r => $"{r[1]} {r[2]} {r[3]}").Order().ToList();
        Assert.Equal([$"{A} p3 0", $"{B} p1 10"], rows);
    }
}

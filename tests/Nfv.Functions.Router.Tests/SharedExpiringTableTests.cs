using Nfv.Ip;

namespace Nfv.Functions.Router.Tests;

/// <summary>The table instances run per worker share (a router's neighbours, a switch's addresses, a NAT's fragments).</summary>
public class SharedExpiringTableTests
{
    [Fact]
    public void An_entry_is_found_for_its_lifetime_after_it_was_put()
    {
        var table = new SharedExpiringTable<string, int>(capacity: 4, lifetime: 10);
        table.Put("a", 1, now: 100);

        Assert.True(table.TryGet("a", 109, out int value));
        Assert.Equal(1, value);
        Assert.False(table.TryGet("a", 110, out _));
    }

    [Fact]
    public void The_latest_sighting_wins_whatever_order_the_puts_come_in()
    {
        var table = new SharedExpiringTable<string, int>(capacity: 4, lifetime: 10);
        table.Put("a", 2, now: 107);
        table.Put("a", 1, now: 105); // an older sighting, put later

        Assert.True(table.TryGet("a", 108, out int value));
        Assert.Equal(2, value);
        table.Put("a", 3, now: 108);
        Assert.True(table.TryGet("a", 108, out value));
        Assert.Equal(3, value);
    }

    [Fact]
    public void At_its_bound_a_new_key_waits_until_an_entry_expires_while_known_keys_are_still_put()
    {
        var table = new SharedExpiringTable<string, int>(capacity: 2, lifetime: 10);
        table.Put("a", 1, now: 100);
        table.Put("b", 1, now: 104);

        table.Put("c", 1, now: 105);
        table.Put("c", 1, now: 109);
        table.Put("b", 2, now: 109);
        Assert.False(table.TryGet("c", 109, out _));
        Assert.True(table.TryGet("b", 109, out int b));
        Assert.Equal(2, b);

        table.Put("c", 1, now: 110); // a has expired: its place is c's
        Assert.True(table.TryGet("c", 110, out _));
        Assert.True(table.TryGet("b", 110, out _));
        Assert.False(table.TryGet("a", 110, out _));
    }
}

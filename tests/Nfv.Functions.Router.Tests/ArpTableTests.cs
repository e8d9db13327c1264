using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router.Tests;

public class ArpTableTests
{
    private sealed class Sink : INeighbourTimerSink<Ipv4Address>
    {
        public List<Ipv4Address> Requests { get; } = [];
        public List<Ipv4Address> Failed { get; } = [];

        public void SendRequest(int iface, Ipv4Address target) => Requests.Add(target);

        public void ResolutionFailed(int iface, Ipv4Address target, Packet waiting) => Failed.Add(target);
    }

    [Fact]
    public void A_full_table_learns_no_new_neighbour_that_asks_and_counts_each_one_it_turned_away()
    {
        var table = new ArpTable(2, TimeSpan.FromSeconds(10), 2, 8, TimeSpan.FromSeconds(1), 3, 1000);
        var mac = new MacAddress(0x02_00_00_00_00_01);
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.1"), mac, 0, create: true) >= 0);
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.2"), mac, 0, create: true) >= 0);

        Assert.Equal(-1, table.Update(0, Ipv4Address.Parse("10.0.0.3"), mac, 0, create: true));
        Assert.Equal(-1, table.Update(0, Ipv4Address.Parse("10.0.0.4"), mac, 0, create: false)); // not asking for us: not counted
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.1"), mac, 1, create: true) >= 0);  // a known one is refreshed

        Assert.Equal(1, table.NotLearned);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void Entries_survive_churn_of_inserts_and_removals()
    {
        const int capacity = 64;
        var table = new ArpTable(capacity, TimeSpan.FromSeconds(10), 2, 8, TimeSpan.FromSeconds(1), 3, 1000);
        var sink = new Sink();
        var random = new Random(5);
        long now = 0;
        for (int round = 0; round < 50; round++)
        {
            var live = new Dictionary<(int, uint), ulong>();
            for (int i = 0; i < capacity; i++)
            {
                int iface = random.Next(3);
                uint ip = (uint)random.Next();
                ulong mac = 0x0200_0000_0000UL | (uint)random.Next();
                if (live.ContainsKey((iface, ip)))
                {
                    continue;
                }
                Assert.True(table.Update(iface, new Ipv4Address(ip), new MacAddress(mac), now, create: true) >= 0);
                live[(iface, ip)] = mac;
            }
            foreach (var ((iface, ip), mac) in live)
            {
                Assert.True(table.TryLookup(iface, new Ipv4Address(ip), now, out var found));
                Assert.Equal(mac, found.Value);
            }
            Assert.Equal(live.Count, table.Count);
            now += 21_000; // unused past twice the reachable time: gone
            table.OnTimer(now, sink);
            Assert.Equal(0, table.Count);
        }
        Assert.Empty(sink.Failed);
    }

    [Fact]
    public void A_full_table_refuses_new_entries_but_updates_old_ones()
    {
        var table = new ArpTable(2, TimeSpan.FromSeconds(10), 2, 8, TimeSpan.FromSeconds(1), 3, 1000);
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.1"), new MacAddress(0x0200_0000_0001), 0, create: true) >= 0);
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.2"), new MacAddress(0x0200_0000_0002), 0, create: true) >= 0);
        Assert.True(table.IsFull);
        Assert.Equal(-1, table.Update(0, Ipv4Address.Parse("10.0.0.3"), new MacAddress(0x0200_0000_0003), 0, create: true));
        Assert.True(table.Update(0, Ipv4Address.Parse("10.0.0.2"), new MacAddress(0x0200_0000_0022), 0, create: false) >= 0);
        Assert.True(table.TryLookup(0, Ipv4Address.Parse("10.0.0.2"), 1, out var mac));
        Assert.Equal(0x0200_0000_0022UL, mac.Value);
    }
}

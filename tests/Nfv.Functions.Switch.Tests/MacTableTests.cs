using Nfv.Abstractions.Headers;

namespace Nfv.Functions.Switch.Tests;

public class MacTableTests
{
    private const long Frequency = 1000; // timestamps in milliseconds

    private static MacTable Create(int capacity, int ageingSeconds = 1_000_000) =>
        new(capacity, TimeSpan.FromSeconds(ageingSeconds), Frequency);

    [Fact]
    public void Learn_ReportsWhatItDid()
    {
        var table = Create(2);
        var a = new MacAddress(0x0200_0000_000A);

        Assert.Equal(MacLearnResult.Learned, table.Learn(1, a, 0, 0));
        Assert.Equal(MacLearnResult.Refreshed, table.Learn(1, a, 0, 1));
        Assert.Equal(MacLearnResult.Moved, table.Learn(1, a, 3, 2));
        Assert.Equal(MacLearnResult.Learned, table.Learn(2, a, 0, 3));    // another VLAN, another entry
        Assert.Equal(MacLearnResult.Full, table.Learn(3, a, 0, 4));
        Assert.Equal(3, table.Lookup(1, a, 5));
        Assert.Equal(0, table.Lookup(2, a, 5));
        Assert.Equal(-1, table.Lookup(3, a, 5));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void RandomOperations_AgreeWithADictionary()
    {
        // Many keys colliding in a small table exercise probing and backward-shift deletion.
        const int capacity = 300;
        var table = Create(capacity);
        var model = new Dictionary<(int, ulong), int>();
        var random = new Random(1234);
        for (int step = 0; step < 50_000; step++)
        {
            int vlan = random.Next(1, 4);
            var mac = new MacAddress(0x0200_0000_0000UL | (uint)random.Next(0, 200));
            int port = random.Next(0, 8);
            switch (random.Next(3))
            {
                case 0:
                    var result = table.Learn(vlan, mac, port, 0);
                    if (model.TryGetValue((vlan, mac.Value), out int old))
                    {
                        Assert.Equal(old == port ? MacLearnResult.Refreshed : MacLearnResult.Moved, result);
                        model[(vlan, mac.Value)] = port;
                    }
                    else if (model.Count < capacity)
                    {
                        Assert.Equal(MacLearnResult.Learned, result);
                        model[(vlan, mac.Value)] = port;
                    }
                    else
                    {
                        Assert.Equal(MacLearnResult.Full, result);
                    }
                    break;
                case 1:
                    Assert.Equal(model.Remove((vlan, mac.Value)), table.Remove(vlan, mac));
                    break;
                default:
                    Assert.Equal(model.TryGetValue((vlan, mac.Value), out int p) ? p : -1, table.Lookup(vlan, mac, 0));
                    break;
            }
            Assert.Equal(model.Count, table.Count);
        }
        foreach (var ((vlan, mac), port) in model)
        {
            Assert.Equal(port, table.Lookup(vlan, new MacAddress(mac), 0));
        }
    }

    [Fact]
    public void RemoveExpired_RemovesExactlyTheOldEntries_AndKeepsTheRestReachable()
    {
        var table = Create(1000, ageingSeconds: 100);
        for (int i = 0; i < 1000; i++)
        {
            table.Learn(1 + (i % 3), new MacAddress(0x0200_0000_0000UL | (uint)i), i % 5, i * Frequency / 5);  // learned at i/5 s
        }
        long now = 200 * Frequency - 1;   // 1 ms before i = 500 reaches 100 s of age: i < 500 are expired

        Assert.Equal(500, table.RemoveExpired(now));

        Assert.Equal(500, table.Count);
        for (int i = 0; i < 1000; i++)
        {
            int expected = i < 500 ? -1 : i % 5;
            Assert.Equal(expected, table.Lookup(1 + (i % 3), new MacAddress(0x0200_0000_0000UL | (uint)i), now));
        }
    }

    [Fact]
    public void ExpiredEntry_IsDeadForLookup_AndRelearnedAsNew()
    {
        var table = Create(10, ageingSeconds: 10);
        var a = new MacAddress(0x0200_0000_000A);
        table.Learn(1, a, 2, 0);

        Assert.Equal(2, table.Lookup(1, a, 9_999));
        Assert.Equal(-1, table.Lookup(1, a, 10_000));
        Assert.Equal(MacLearnResult.Learned, table.Learn(1, a, 4, 10_000));
        Assert.Equal(1, table.Count);
    }
}

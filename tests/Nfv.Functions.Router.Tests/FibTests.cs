using Nfv.Ip.Headers;

namespace Nfv.Functions.Router.Tests;

public class FibTests
{
    private static uint A(string s) => Ipv4Address.Parse(s).Value;

    private static Fib Build(params string[] prefixes)
    {
        var list = new List<(uint, int)>();
        foreach (var p in prefixes)
        {
            var prefix = Ipv4Prefix.Parse(p);
            list.Add((prefix.Address.Value, prefix.Length));
        }
        return Fib.Build(list);
    }

    [Fact]
    public void Empty_table_finds_nothing()
    {
        var fib = Build();
        Assert.Equal(-1, fib.Lookup(A("10.0.0.1")));
    }

    [Fact]
    public void Default_route_matches_everything_not_more_specific()
    {
        var fib = Build("0.0.0.0/0", "10.0.0.0/8");
        Assert.Equal(0, fib.Lookup(A("8.8.8.8")));
        Assert.Equal(0, fib.Lookup(A("255.255.255.255")));
        Assert.Equal(1, fib.Lookup(A("10.200.3.4")));
    }

    [Fact]
    public void Host_routes_and_overlapping_prefixes_take_the_longest()
    {
        // Inserted in the "wrong" order on purpose: the builder sorts by length.
        var fib = Build("10.1.2.3/32", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8", "10.1.2.128/25", "10.1.2.0/30");
        Assert.Equal(0, fib.Lookup(A("10.1.2.3")));
        Assert.Equal(5, fib.Lookup(A("10.1.2.2")));
        Assert.Equal(1, fib.Lookup(A("10.1.2.4")));
        Assert.Equal(4, fib.Lookup(A("10.1.2.200")));
        Assert.Equal(2, fib.Lookup(A("10.1.3.1")));
        Assert.Equal(3, fib.Lookup(A("10.2.0.1")));
        Assert.Equal(-1, fib.Lookup(A("11.0.0.1")));
    }

    [Fact]
    public void Same_prefix_twice_the_later_wins()
    {
        var fib = Build("10.0.0.0/8", "10.0.0.0/8");
        Assert.Equal(1, fib.Lookup(A("10.9.9.9")));
    }

    [Fact]
    public void Random_table_agrees_with_a_linear_scan()
    {
        var random = new Random(1234);
        var prefixes = new List<(uint Network, int Length)>();
        for (int i = 0; i < 3000; i++)
        {
            int length = random.Next(0, 33);
            uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
            // Cluster addresses in a few /8s so prefixes nest often.
            uint address = ((uint)random.Next(10, 14) << 24) | ((uint)random.Next() & 0x00FF_FFFF);
            prefixes.Add((address & mask, length));
        }
        var fib = Fib.Build(prefixes);
        for (int n = 0; n < 20000; n++)
        {
            uint address = ((uint)random.Next(9, 15) << 24) | ((uint)random.Next() & 0x00FF_FFFF);
            int best = -1, bestLength = -1;
            for (int i = 0; i < prefixes.Count; i++)
            {
                var (network, length) = prefixes[i];
                uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
                if ((address & mask) == network && length >= bestLength)
                {
                    best = i;
                    bestLength = length;
                }
            }
            Assert.Equal(best, fib.Lookup(address));
        }
    }

    [Fact]
    public void Hundred_thousand_routes_build_and_look_up()
    {
        var random = new Random(7);
        var prefixes = new List<(uint, int)>();
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(8, 33);
            uint mask = uint.MaxValue << (32 - length);
            prefixes.Add(((uint)random.Next() & mask, length));
        }
        var fib = Fib.Build(prefixes);
        var (network, _) = prefixes[^1];
        Assert.True(fib.Lookup(network) >= 0);
    }
}

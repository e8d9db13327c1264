using Nfv.Ip.Headers;

namespace Nfv.Functions.Router.Tests;

public class Ipv6RouteTableTests
{
    [Fact]
    public void The_fib_finds_the_longest_matching_prefix_as_a_scan_would()
    {
        var random = new Random(11);
        var prefixes = new List<(UInt128 Network, int Length)>();
        int[] lengths = [0, 16, 32, 48, 56, 64, 96, 127, 128];
        for (int i = 0; i < 3000; i++)
        {
            int length = lengths[random.Next(lengths.Length)];
            var address = new UInt128((ulong)random.NextInt64() | 0x2000_0000_0000_0000UL, (ulong)random.NextInt64());
            prefixes.Add((address, length));
        }
        var fib = Ipv6Fib.Build(prefixes);
        Assert.Equal(lengths.OrderDescending(), fib.Lengths);

        for (int i = 0; i < 20_000; i++)
        {
            // Half the probes near a prefix (its network with random host bits), half anywhere.
            var (network, length) = prefixes[random.Next(prefixes.Count)];
            var noise = new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64());
            var probe = i % 2 == 0 ? (network & Mask(length)) | (noise & ~Mask(length)) : noise;
            Assert.Equal(Scan(prefixes, probe), fib.Lookup(probe));
        }
    }

    [Fact]
    public void Connected_local_and_static_routes_are_resolved_and_link_local_addresses_stay_out()
    {
        var interfaces = new[]
        {
            new RouterInterface { Name = "lan", Ipv6Addresses = [Ipv6Prefix.Parse("2001:db8:1::1/64"), Ipv6Prefix.Parse("fe80::1/64")] },
            new RouterInterface { Name = "wan", Ipv6Addresses = [Ipv6Prefix.Parse("2001:db8:2::1/64")] },
        };
        var statics = new[]
        {
            new Ipv6StaticRoute { Prefix = Ipv6Prefix.Parse("::/0"), Via = Ipv6Address.Parse("2001:db8:2::fe") },
            new Ipv6StaticRoute { Prefix = Ipv6Prefix.Parse("2001:db8:50::/48"), Via = Ipv6Address.Parse("2001:db8:60::1") },
            new Ipv6StaticRoute { Prefix = Ipv6Prefix.Parse("2001:db8:60::/48"), Via = Ipv6Address.Parse("fe80::9"), Device = "lan" },
        };
        var problems = new List<(Ipv6StaticRoute, string)>();
        var table = Ipv6RouteTable.Build(interfaces, statics, problems);

        Assert.Empty(problems);
        Assert.Equal(RouteKind.Local, Route(table, "2001:db8:1::1").Kind);
        Assert.Equal((RouteKind.Connected, 0), (Route(table, "2001:db8:1::99").Kind, Route(table, "2001:db8:1::99").Interface));
        Assert.Equal(("2001:db8:2::fe", 1), (Route(table, "2001:db9::1").NextHop.ToString(), Route(table, "2001:db9::1").Interface));
        // Recursive: 2001:db8:50::/48 via 2001:db8:60::1, which is reached via fe80::9 on lan.
        Assert.Equal(("fe80::9", 0), (Route(table, "2001:db8:50::7").NextHop.ToString(), Route(table, "2001:db8:50::7").Interface));
        Assert.DoesNotContain(table.Routes, r => r.Prefix.Address.IsLinkLocal);
    }

    private static Ipv6Route Route(Ipv6RouteTable table, string destination) => table[table.Lookup(Ipv6Address.Parse(destination))];

    private static int Scan(List<(UInt128 Network, int Length)> prefixes, UInt128 address)
    {
        int best = -1;
        for (int i = 0; i < prefixes.Count; i++)
        {
            var (network, length) = prefixes[i];
            if (((address ^ network) & Mask(length)) == UInt128.Zero && (best < 0 || length >= prefixes[best].Length))
            {
                best = i;
            }
        }
        return best;
    }

    private static UInt128 Mask(int length) => length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);
}

using Nfv.Ip.Headers;

namespace Nfv.Functions.Router.Tests;

public class RouteTableTests
{
    private static readonly RouterInterface[] Interfaces =
    [
        new() { Name = "lan", Addresses = [Ipv4Prefix.Parse("10.0.0.1/24"), Ipv4Prefix.Parse("10.0.1.1/24")] },
        new() { Name = "wan", Addresses = [Ipv4Prefix.Parse("192.0.2.1/24")] },
    ];

    private static Route Find(RouteTable table, string address)
    {
        int i = table.Lookup(Ipv4Address.Parse(address));
        Assert.True(i >= 0, $"no route to {address}");
        return table[i];
    }

    [Fact]
    public void Connected_local_and_broadcast_routes_come_from_interface_addresses()
    {
        var table = RouteTable.Build(Interfaces, []);
        Assert.Equal(RouteKind.Connected, Find(table, "10.0.0.77").Kind);
        Assert.Equal(0, Find(table, "10.0.1.77").Interface);
        Assert.Equal(1, Find(table, "192.0.2.5").Interface);
        Assert.Equal(RouteKind.Local, Find(table, "10.0.1.1").Kind);
        Assert.Equal(RouteKind.Broadcast, Find(table, "10.0.0.255").Kind);
        Assert.Equal(-1, table.Lookup(Ipv4Address.Parse("8.8.8.8")));
    }

    [Fact]
    public void Static_routes_resolve_their_gateway_recursively()
    {
        var table = RouteTable.Build(Interfaces,
        [
            new StaticRoute { Prefix = Ipv4Prefix.Parse("0.0.0.0/0"), Via = Ipv4Address.Parse("192.0.2.254") },
            new StaticRoute { Prefix = Ipv4Prefix.Parse("172.16.0.0/12"), Via = Ipv4Address.Parse("10.0.0.2") },
            // Gateway reached through the /12 above: resolves to the /12's gateway.
            new StaticRoute { Prefix = Ipv4Prefix.Parse("198.18.0.0/15"), Via = Ipv4Address.Parse("172.16.0.9") },
            new StaticRoute { Prefix = Ipv4Prefix.Parse("203.0.113.0/24"), Device = "wan" },
        ]);
        var def = Find(table, "8.8.8.8");
        Assert.Equal((1, "192.0.2.254"), (def.Interface, def.NextHop.ToString()));
        var viaLan = Find(table, "172.20.1.1");
        Assert.Equal((0, "10.0.0.2"), (viaLan.Interface, viaLan.NextHop.ToString()));
        var recursive = Find(table, "198.19.0.1");
        Assert.Equal((0, "10.0.0.2"), (recursive.Interface, recursive.NextHop.ToString()));
        var dev = Find(table, "203.0.113.9");
        Assert.Equal((1, "0.0.0.0"), (dev.Interface, dev.NextHop.ToString()));
    }

    [Fact]
    public void Unresolvable_routes_are_reported_and_left_out()
    {
        var problems = new List<(StaticRoute, string)>();
        var table = RouteTable.Build(Interfaces,
        [
            new StaticRoute { Prefix = Ipv4Prefix.Parse("1.0.0.0/8"), Via = Ipv4Address.Parse("9.9.9.9") },
            new StaticRoute { Prefix = Ipv4Prefix.Parse("2.0.0.0/8"), Device = "dmz" },
            new StaticRoute { Prefix = Ipv4Prefix.Parse("3.0.0.0/8"), Via = Ipv4Address.Parse("10.0.0.1") },
        ], problems);
        Assert.Equal(3, problems.Count);
        Assert.Equal(-1, table.Lookup(Ipv4Address.Parse("1.1.1.1")));
    }
}

using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// The router's forwarding table: routes resolved to (interface, next hop) and a <see cref="Fib"/> over their
/// prefixes. Built once from the interfaces and static routes.
/// </summary>
/// <remarks>
/// Connected routes come from each interface address's subnet; a /32 local route from each address, and a /32
/// broadcast route for the broadcast address of each subnet shorter than /31. A static route with <c>via</c> is
/// resolved at build time: a gateway inside a connected subnet resolves to that interface; any other gateway is
/// looked up among the static routes, recursively (at most 8 levels), and a gateway reached through another static
/// route becomes that route's gateway. Where two routes have the same prefix, a connected route beats a
/// static one (Linux's kernel routes have the lower metric), and a later static route beats an earlier one.
/// </remarks>
public sealed class RouteTable
{
    private const int MaxRecursion = 8;

    private readonly Route[] _routes;
    private readonly Fib _fib;

    private RouteTable(Route[] routes, Fib fib)
    {
        _routes = routes;
        _fib = fib;
    }

    /// <summary>The routes, by index (the FIB's values).</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>The FIB.</summary>
    public Fib Fib => _fib;

    /// <summary>The route for <paramref name="destination"/>, by index into <see cref="Routes"/>; -1 when none.</summary>
    public int Lookup(Ipv4Address destination) => _fib.Lookup(destination.Value);

    /// <summary>The route at <paramref name="index"/>.</summary>
    public ref readonly Route this[int index] => ref _routes[index];

    /// <summary>
    /// Builds the table. <paramref name="problems"/> gets one line per static route that cannot be resolved (unknown
    /// <c>dev</c>, a gateway that no route reaches or that is one of the router's own addresses); those routes are left out.
    /// </summary>
    public static RouteTable Build(IReadOnlyList<RouterInterface> interfaces, IReadOnlyList<StaticRoute> statics, List<(StaticRoute Route, string Problem)>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(statics);
        var connected = new List<Route>();
        var special = new List<Route>();
        for (int i = 0; i < interfaces.Count; i++)
        {
            foreach (var address in interfaces[i].Addresses)
            {
                connected.Add(new Route(address.Network, RouteKind.Connected, i, Ipv4Address.Any));
                special.Add(new Route(new Ipv4Prefix(address.Address, 32), RouteKind.Local, i, Ipv4Address.Any));
                if (address.Length < 31)
                {
                    var broadcast = new Ipv4Address(address.Address.Value | ~address.Mask);
                    special.Add(new Route(new Ipv4Prefix(broadcast, 32), RouteKind.Broadcast, i, Ipv4Address.Any));
                }
            }
        }

        // Statics first as written (gateway unresolved), then resolved against connected + statics.
        var pending = new List<(StaticRoute Config, Route Route)>();
        foreach (var s in statics)
        {
            if (s.Device is { } dev)
            {
                int index = IndexOf(interfaces, dev);
                if (index < 0 || interfaces[index].Addresses.Count == 0)
                {
                    problems?.Add((s, index < 0 ? $"route {s} names no interface of the router" : $"route {s} leaves by an interface without IPv4 addresses"));
                    continue;
                }
                pending.Add((s, new Route(s.Prefix.Network, RouteKind.Static, index, Ipv4Address.Any)));
            }
            else
            {
                pending.Add((s, new Route(s.Prefix.Network, RouteKind.Static, -1, s.Via ?? Ipv4Address.Any)));
            }
        }

        var resolved = new List<Route>();
        foreach (var (config, route) in pending)
        {
            if (route.Interface >= 0)
            {
                resolved.Add(route);
                continue;
            }
            if (TryResolve(route.NextHop, connected, special, pending, out int iface, out var gateway, out string? why))
            {
                resolved.Add(route with { Interface = iface, NextHop = gateway });
            }
            else
            {
                problems?.Add((config, why!));
            }
        }

        // FIB order: statics, then connected (a connected route wins over a static with the same prefix), then the /32s.
        var all = new List<Route>(resolved.Count + connected.Count + special.Count);
        all.AddRange(resolved);
        all.AddRange(connected);
        all.AddRange(special);
        var prefixes = new (uint, int)[all.Count];
        for (int i = 0; i < prefixes.Length; i++)
        {
            prefixes[i] = (all[i].Prefix.Address.Value, all[i].Prefix.Length);
        }
        return new RouteTable([.. all], Fib.Build(prefixes));
    }

    private static bool TryResolve(Ipv4Address via, List<Route> connected, List<Route> special,
        List<(StaticRoute Config, Route Route)> statics, out int iface, out Ipv4Address gateway, out string? why)
    {
        var target = via;
        iface = -1;
        gateway = via;
        for (int depth = 0; depth < MaxRecursion; depth++)
        {
            foreach (var s in special)
            {
                if (s.Kind == RouteKind.Local && s.Prefix.Address == target)
                {
                    why = $"gateway {via} is one of the router's own addresses";
                    return false;
                }
            }
            // A gateway on a connected subnet resolves there at once (the usual case, and what keeps building 100k
            // routes linear); otherwise the longest match among the statics (a linear scan: build time only).
            Route? best = null;
            foreach (var c in connected)
            {
                if (c.Prefix.Contains(target) && (best is null || c.Prefix.Length > best.Value.Prefix.Length))
                {
                    best = c;
                }
            }
            if (best is { } onLink)
            {
                iface = onLink.Interface;
                gateway = target;
                why = null;
                return true;
            }
            foreach (var (_, s) in statics)
            {
                if (s.Prefix.Contains(target) && (best is null || s.Prefix.Length > best.Value.Prefix.Length))
                {
                    best = s;
                }
            }
            if (best is not { } route)
            {
                why = $"gateway {via} is not reachable: no interface subnet or other route contains it";
                return false;
            }
            if (route.Kind == RouteKind.Connected || (route.Interface >= 0 && route.NextHop.Value == 0))
            {
                iface = route.Interface;
                gateway = target;
                why = null;
                return true;
            }
            if (route.NextHop == target)
            {
                // Typically `0.0.0.0/0 via G` where no interface subnet holds G: the default route is all that matches G.
                why = $"gateway {via} is not reachable: no interface subnet contains it, only a route through {target} itself";
                return false;
            }
            target = route.NextHop;
        }
        why = $"gateway {via} resolves through more than {MaxRecursion} routes (a loop?)";
        return false;
    }

    private static int IndexOf(IReadOnlyList<RouterInterface> interfaces, string name)
    {
        for (int i = 0; i < interfaces.Count; i++)
        {
            if (interfaces[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}

using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// The router's IPv6 forwarding table: routes resolved to (interface, next hop) and an <see cref="Ipv6Fib"/> over their
/// prefixes. Built once from the interfaces' IPv6 addresses and the static IPv6 routes.
/// </summary>
/// <remarks>
/// Connected routes come from each global (not link-local) address's subnet, a /128 local route from each global
/// address. Link-local addresses are not in the table: a packet to one is for the interface it arrived on or for
/// nobody, never forwarded (RFC 4291 §2.5.6). A static route through a global gateway resolves as IPv4's do
/// (<see cref="RouteTable"/>): inside a connected subnet at once, else through another static route, at most 8 deep;
/// one through a link-local gateway names its interface (<c>dev</c>). Same prefix: connected beats static, a later
/// static beats an earlier one.
/// </remarks>
public sealed class Ipv6RouteTable
{
    private const int MaxRecursion = 8;

    private readonly Ipv6Route[] _routes;
    private readonly Ipv6Fib _fib;

    private Ipv6RouteTable(Ipv6Route[] routes, Ipv6Fib fib)
    {
        _routes = routes;
        _fib = fib;
    }

    /// <summary>The routes, by index (the FIB's values).</summary>
    public IReadOnlyList<Ipv6Route> Routes => _routes;

    /// <summary>The FIB.</summary>
    public Ipv6Fib Fib => _fib;

    /// <summary>The route for <paramref name="destination"/>, by index into <see cref="Routes"/>; -1 when none.</summary>
    public int Lookup(Ipv6Address destination) => _fib.Lookup(destination.Value);

    /// <summary>The route at <paramref name="index"/>.</summary>
    public ref readonly Ipv6Route this[int index] => ref _routes[index];

    /// <summary>
    /// Builds the table. <paramref name="problems"/> gets one line per static route that cannot be resolved; those
    /// routes are left out.
    /// </summary>
    public static Ipv6RouteTable Build(IReadOnlyList<RouterInterface> interfaces, IReadOnlyList<Ipv6StaticRoute> statics,
        List<(Ipv6StaticRoute Route, string Problem)>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(statics);
        var connected = new List<Ipv6Route>();
        var local = new List<Ipv6Route>();
        for (int i = 0; i < interfaces.Count; i++)
        {
            foreach (var address in interfaces[i].Ipv6Addresses.Where(a => !a.Address.IsLinkLocal))
            {
                connected.Add(new Ipv6Route(address.Network, RouteKind.Connected, i, default));
                local.Add(new Ipv6Route(new Ipv6Prefix(address.Address, 128), RouteKind.Local, i, default));
            }
        }

        var pending = new List<(Ipv6StaticRoute Config, Ipv6Route Route)>();
        foreach (var s in statics)
        {
            int index = s.Device is { } dev ? IndexOf(interfaces, dev) : -1;
            if (s.Device is not null && (index < 0 || interfaces[index].Ipv6Addresses.Count == 0))
            {
                problems?.Add((s, index < 0 ? $"route {s} names no interface of the router" : $"route {s} leaves by an interface without IPv6 addresses"));
                continue;
            }
            pending.Add((s, new Ipv6Route(s.Prefix.Network, RouteKind.Static, index, s.Via ?? default)));
        }

        var resolved = new List<Ipv6Route>();
        foreach (var (config, route) in pending)
        {
            if (route.Interface >= 0)
            {
                resolved.Add(route);
            }
            else if (TryResolve(route.NextHop, connected, local, pending, out int iface, out var gateway, out string? why))
            {
                resolved.Add(route with { Interface = iface, NextHop = gateway });
            }
            else
            {
                problems?.Add((config, why!));
            }
        }

        Ipv6Route[] all = [.. resolved, .. connected, .. local];
        return new Ipv6RouteTable(all, Ipv6Fib.Build([.. all.Select(r => (r.Prefix.Address.Value, r.Prefix.Length))]));
    }

    private static bool TryResolve(Ipv6Address via, List<Ipv6Route> connected, List<Ipv6Route> local,
        List<(Ipv6StaticRoute Config, Ipv6Route Route)> statics, out int iface, out Ipv6Address gateway, out string? why)
    {
        var target = via;
        iface = -1;
        gateway = via;
        for (int depth = 0; depth < MaxRecursion; depth++)
        {
            if (local.Exists(l => l.Prefix.Address == target))
            {
                why = $"gateway {via} is one of the router's own addresses";
                return false;
            }
            Ipv6Route? best = Longest(connected.Where(c => c.Prefix.Contains(target)));
            if (best is { } onLink)
            {
                (iface, gateway, why) = (onLink.Interface, target, null);
                return true;
            }
            best = Longest(statics.Select(s => s.Route).Where(s => s.Prefix.Contains(target)));
            if (best is not { } route)
            {
                why = $"gateway {via} is not reachable: no interface subnet or other route contains it";
                return false;
            }
            if (route.Interface >= 0)
            {
                (iface, gateway, why) = (route.Interface, route.NextHop.IsUnspecified ? target : route.NextHop, null);
                return true;
            }
            if (route.NextHop == target)
            {
                why = $"gateway {via} is not reachable: no interface subnet contains it, only a route through {target} itself";
                return false;
            }
            target = route.NextHop;
        }
        why = $"gateway {via} resolves through more than {MaxRecursion} routes (a loop?)";
        return false;
    }

    private static Ipv6Route? Longest(IEnumerable<Ipv6Route> routes)
    {
        Ipv6Route? best = null;
        foreach (var route in routes)
        {
            if (best is null || route.Prefix.Length > best.Value.Prefix.Length)
            {
                best = route;
            }
        }
        return best;
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

using System.Globalization;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Management;

/// <summary>A lab host as <see cref="WhereQuery"/> sees it: its name, port, MAC and the addresses it holds now.</summary>
public sealed record WhereHost(string Name, string Port, string Mac, IReadOnlyList<string> Addresses);

/// <summary>The rows of one function's table, as <c>/api/tables/NAME</c> gives them (without the function column).</summary>
public sealed record WhereTable(string Function, string Table, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// <c>nfv where HOST|MAC|IP</c>: one answer joining what the running functions know of a machine: the switch ports its
/// MAC was learned on, the routers' ARP and neighbour entries, DHCP leases and NAT sessions. A host name gives its MAC
/// and addresses; a MAC gives its addresses through those tables, an address its MAC, and each finds the host that has
/// them.
/// </summary>
public static class WhereQuery
{
    /// <summary>The tables joined, by name: what each function kind calls them.</summary>
    public static readonly IReadOnlySet<string> Tables = new HashSet<string>(StringComparer.Ordinal) { "mac", "arp", "neighbours", "leases", "nat" };

    /// <summary>What is known of <paramref name="query"/>, or null when nothing names it.</summary>
    public static WhereView? Answer(string query, IReadOnlyList<WhereHost> hosts, IReadOnlyList<WhereTable> tables)
    {
        ArgumentNullException.ThrowIfNull(query);
        var macs = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var host = hosts.FirstOrDefault(h => h.Name == query);
        if (host is null)
        {
            if (MacAddress.TryParse(query, out var mac))
            {
                macs.Add(mac.ToString());
            }
            else if (Canonical(query) is { } address)
            {
                addresses.Add(address);
            }
            else
            {
                return null;
            }
        }
        // Closure: a host brings its MAC and addresses; tables that pair a MAC with an address bring the other half.
        for (int round = 0; round < 3; round++)
        {
            host ??= hosts.FirstOrDefault(h => macs.Contains(h.Mac) || h.Addresses.Any(a => addresses.Contains(a)));
            if (host is not null)
            {
                macs.Add(host.Mac);
                addresses.UnionWith(host.Addresses.Select(a => Canonical(a) ?? a));
            }
            foreach (var row in Rows(tables, "arp", "neighbours", "leases"))
            {
                if (Canonical(row.Get("address")) is { } address && MacOf(row.Get("mac")) is { } mac)
                {
                    if (macs.Contains(mac))
                    {
                        addresses.Add(address);
                    }
                    else if (addresses.Contains(address))
                    {
                        macs.Add(mac);
                    }
                }
            }
        }
        var seen = Rows(tables, "mac").Where(r => MacOf(r.Get("mac")) is { } m && macs.Contains(m))
            .Select(r => new WhereSeenView(r.Function, r.Get("port"), r.Get("vlan"), Seconds(r.Get("age_seconds")))).ToList();
        var leases = Rows(tables, "leases").Where(r => Canonical(r.Get("address")) is { } a && addresses.Contains(a))
            .Select(r => new WhereLeaseView(r.Function, r.Get("address"), r.Get("state"), r.Get("hostname"), Seconds(r.Get("expires_in_seconds")))).ToList();
        var neighbours = Rows(tables, "arp", "neighbours").Where(r => Canonical(r.Get("address")) is { } a && addresses.Contains(a))
            .Select(r => new WhereNeighbourView(r.Function, r.Get("interface"), r.Get("address"), r.Get("mac"), r.Get("state"))).ToList();
        var nat = Rows(tables, "nat").Where(r => Canonical(HostPart(r.Get("inside"))) is { } a && addresses.Contains(a))
            .Select(r => new WhereNatView(r.Function, r.Get("protocol"), r.Get("inside"), r.Get("external"), r.Get("remote"), r.Get("state"))).ToList();
        if (host is null && seen.Count == 0 && leases.Count == 0 && neighbours.Count == 0 && nat.Count == 0)
        {
            return null;
        }
        var view = new WhereView(query, host?.Name, host?.Port, [.. macs.Order(StringComparer.Ordinal)], [.. addresses.Order(StringComparer.Ordinal)],
            seen, leases, neighbours, nat, "");
        return view with { Summary = Summarize(view) };
    }

    /// <summary>One line a person reads: <c>h1 (port lan1) 02:..:01, on lan port lan1 vlan 1, lease 192.168.10.100 (dhcp, bound, 43190 s left), 3 NAT sessions as ...</c>.</summary>
    private static string Summarize(WhereView view)
    {
        var parts = new List<string> { string.Join(' ', new[] { view.Host, view.Port is null ? null : $"(port {view.Port})", string.Join(", ", view.Macs) }.Where(s => s is { Length: > 0 })) };
        parts.AddRange(view.Seen.Select(s => $"on {s.Function} port {s.Port} vlan {s.Vlan}"));
        parts.AddRange(view.Leases.Select(l => $"lease {l.Address} ({l.Function}, {l.State}{(l.ExpiresInSeconds is { } left ? $", {left} s left" : "")})"));
        if (view.Leases.Count == 0 && view.Addresses.Count > 0)
        {
            parts.Add($"address {string.Join(", ", view.Addresses)}");
        }
        parts.AddRange(view.Neighbours.GroupBy(n => n.Function).Select(g => $"known to {g.Key} on {string.Join(", ", g.Select(n => n.Interface).Distinct())}"));
        parts.AddRange(view.Nat.GroupBy(n => n.Function).Select(g =>
            $"{Count(g.Count(), "NAT session")} ({g.Key}) as {string.Join(", ", g.Select(n => n.External).Distinct().Take(4))}{(g.Select(n => n.External).Distinct().Count() > 4 ? ", ..." : "")}"));
        return string.Join(", ", parts.Where(p => p.Length > 0));
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private readonly record struct Row(string Function, IReadOnlyList<string> Columns, IReadOnlyList<string> Values)
    {
        public string Get(string column)
        {
            for (int i = 0; i < Columns.Count; i++)
            {
                if (Columns[i] == column)
                {
                    return i < Values.Count ? Values[i] : "";
                }
            }
            return "";
        }
    }

    private static IEnumerable<Row> Rows(IReadOnlyList<WhereTable> tables, params string[] names) =>
        tables.Where(t => names.Contains(t.Table)).SelectMany(t => t.Rows.Select(r => new Row(t.Function, t.Columns, r)));

    // An address written the way the tables write it (IPv6 compressed), so a query and a row compare as text; null for
    // text that is no address. A prefix length is dropped.
    private static string? Canonical(string text)
    {
        int slash = text.IndexOf('/');
        var address = slash < 0 ? text : text[..slash];
        return Ipv4Address.TryParse(address, out var v4) ? v4.ToString()
            : Ipv6Address.TryParse(address, out var v6) ? v6.ToString()
            : null;
    }

    private static string? MacOf(string text) => MacAddress.TryParse(text, out var mac) ? mac.ToString() : null;

    // "192.168.10.100:40001" -> "192.168.10.100" (the NAT's endpoints are IPv4).
    private static string HostPart(string endpoint) => endpoint.LastIndexOf(':') is var colon and > 0 ? endpoint[..colon] : endpoint;

    private static long? Seconds(string text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s) ? s : null;
}

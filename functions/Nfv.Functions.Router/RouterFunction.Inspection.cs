using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Router;

// What `nfv show routes`, `nfv show arp`, the management API and the metrics see of a router.
public sealed partial class RouterFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private FunctionCounter[]? _events;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("routes", ["prefix", "kind", "interface", "via"], 0, () => _routes.Routes.Count, RouteRows),
        new FunctionTable("arp", ["interface", "address", "mac", "state", "age_seconds"], _arp.Capacity, () => _arp.Count, ArpRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??=
    [
        new("forwarded", "packets forwarded (a fragmented datagram once)", () => Counters.Forwarded),
        new("fragmented", "datagrams fragmented", () => Counters.Fragmented),
        new("fragments", "fragments sent", () => Counters.Fragments),
        new("local_delivered", "packets addressed to the router itself", () => Counters.LocalDelivered),
        new("echo_replies", "ICMP echo replies sent", () => Counters.EchoReplies),
        new("icmp_errors", "ICMP errors sent", () => Counters.IcmpErrors),
        new("icmp_rate_limited", "ICMP errors not sent: rate limit", () => Counters.IcmpRateLimited),
        new("arp_requests", "ARP requests sent", () => Counters.ArpRequests),
        new("arp_replies", "ARP replies sent", () => Counters.ArpReplies),
        new("arp_learned", "ARP entries made or refreshed", () => Counters.ArpLearned),
        new("arp_failed", "next hops that never answered ARP", () => Counters.ArpFailed),
        new("arp_table_full", "resolutions not started: ARP table full", () => Counters.ArpTableFull),
        new("arp_not_learned", "neighbours that asked for the router not learned: ARP table full", () => _arp.NotLearned),
        new("allocate_failed", "frames not originated: packet pool empty", () => Counters.AllocateFailed),
    ];

    private IEnumerable<IReadOnlyList<string>> RouteRows()
    {
        foreach (var route in _routes.Routes)
        {
            yield return
            [
                route.Prefix.ToString(),
                route.Kind.ToString().ToLowerInvariant(),
                _interfaces[route.Interface].Name,
                route.NextHop.Value == 0 ? "" : route.NextHop.ToString(),
            ];
        }
    }

    private IEnumerable<IReadOnlyList<string>> ArpRows()
    {
        foreach (var entry in GetArpTable())
        {
            yield return
            [
                _interfaces[entry.Interface].Name,
                entry.Address.ToString(),
                entry.Complete ? entry.Mac.ToString() : "",
                entry.Complete ? "reachable" : "incomplete",
                ((long)entry.Age.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}

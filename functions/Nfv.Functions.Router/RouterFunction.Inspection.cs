using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Router;

// What `nfv show routes`, `nfv show arp`, the management API and the metrics see of a router.
public sealed partial class RouterFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("routes", ["prefix", "kind", "interface", "via"], 0, () => _routes.Routes.Count, RouteRows),
        new FunctionTable("arp", ["interface", "address", "mac", "state", "age_seconds"], _arp.Capacity, () => _arp.Count, ArpRows),
    ];

    /// <inheritdoc/>
    /// <remarks><see cref="RouterEvent"/>, and the ARP table's own count of neighbours it had no room to learn.</remarks>
    public IReadOnlyList<FunctionCounter> Events => _events ??=
    [
        .. Counters.Describe(),
        new FunctionCounter("arp_not_learned", "neighbours that asked for the router not learned: ARP table full", () => _arp.NotLearned),
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
                entry.State.ToString().ToLowerInvariant(),
                ((long)entry.Age.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}

using System.Globalization;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;

namespace Nfv.Functions.Router;

// What `nfv show routes`, `nfv show arp`, `nfv show neighbours`, the management API and the metrics see of a router.
public sealed partial class RouterFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("routes", ["prefix", "kind", "interface", "via"], 0, () => _routes.Routes.Count + _routes6.Routes.Count, RouteRows)
        {
            SameInEveryInstance = true, // from the settings: an instance per worker holds the same routes
        },
        // Instances run per worker may each know a neighbour: the latest word of it is shown.
        new FunctionTable("arp", ["interface", "address", "mac", "state", "age_seconds"], _arp.Capacity, () => _arp.Count, () => NeighbourRows(GetArpTable()))
        {
            KeyColumns = 2,
            AgeColumn = "age_seconds",
        },
        new FunctionTable("neighbours", ["interface", "address", "mac", "state", "age_seconds"], _neighbours.Capacity, () => _neighbours.Count,
            () => NeighbourRows(GetNeighbourTable()))
        {
            KeyColumns = 2,
            AgeColumn = "age_seconds",
        },
    ];

    /// <inheritdoc/>
    /// <remarks><see cref="RouterEvent"/>, and the ARP table's and neighbour cache's own counts of neighbours they had no room to learn.</remarks>
    public IReadOnlyList<FunctionCounter> Events => _events ??=
    [
        .. Counters.Describe(),
        new FunctionCounter("arp_not_learned", "neighbours that asked for the router not learned: ARP table full", () => _arp.NotLearned),
        new FunctionCounter("neighbours_not_learned", "IPv6 neighbours that solicited the router not learned: neighbour cache full", () => _neighbours.NotLearned),
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
        foreach (var route in _routes6.Routes)
        {
            yield return
            [
                route.Prefix.ToString(),
                route.Kind.ToString().ToLowerInvariant(),
                _interfaces[route.Interface].Name,
                route.NextHop.IsUnspecified ? "" : route.NextHop.ToString(),
            ];
        }
    }

    private IEnumerable<IReadOnlyList<string>> NeighbourRows<TAddress>(IReadOnlyList<NeighbourEntry<TAddress>> entries)
    {
        foreach (var entry in entries)
        {
            yield return
            [
                _interfaces[entry.Interface].Name,
                $"{entry.Address}",
                entry.Complete ? entry.Mac.ToString() : "",
                entry.State.ToString().ToLowerInvariant(),
                ((long)entry.Age.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}

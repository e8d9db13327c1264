using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Dhcp;

// What `nfv show leases`, the management API and the metrics see of a DHCP server.
public sealed partial class DhcpFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("leases", ["address", "state", "mac", "client", "hostname", "expires_in_seconds"],
            (int)Math.Min(int.MaxValue, Leases.Capacity), () => Leases.Count, LeaseRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();

    private IEnumerable<IReadOnlyList<string>> LeaseRows()
    {
        long now = Now();
        foreach (var lease in Leases.Leases.OrderBy(l => l.Address))
        {
            yield return
            [
                lease.Address.ToString(),
                lease.State.ToString().ToLowerInvariant(),
                lease.ClientKey.Length == 0 ? "" : lease.Mac.ToString(),
                lease.ClientKey,
                lease.HostName ?? "",
                Math.Max(0, lease.Expires - now).ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}

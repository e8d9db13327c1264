using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Dhcp;

// What `nfv show leases`, the management API and the metrics see of a DHCP server.
public sealed partial class DhcpFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private FunctionCounter[]? _events;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("leases", ["address", "state", "mac", "client", "hostname", "expires_in_seconds"],
            (int)Math.Min(int.MaxValue, Leases.Capacity), () => Leases.Count, LeaseRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??=
    [
        new("discovers", "DHCPDISCOVER messages received", () => Counters.Discovers),
        new("offers", "DHCPOFFER messages sent", () => Counters.Offers),
        new("requests", "DHCPREQUEST messages received", () => Counters.Requests),
        new("acks", "DHCPACK messages that committed a lease", () => Counters.Acks),
        new("naks", "DHCPNAK messages sent", () => Counters.Naks),
        new("informs", "DHCPINFORM messages answered", () => Counters.Informs),
        new("releases", "DHCPRELEASE messages received", () => Counters.Releases),
        new("declines", "DHCPDECLINE messages received", () => Counters.Declines),
        new("declined_addresses", "addresses set aside after a DECLINE", () => Counters.DeclinedAddresses),
        new("pool_exhausted", "DISCOVERs not answered: no free address", () => Counters.PoolExhausted),
        new("leases_expired", "bound leases that ran out", () => Counters.LeasesExpired),
        new("echo_replies", "ICMP echo replies sent", () => Counters.EchoReplies),
        new("arp_replies", "ARP replies sent", () => Counters.ArpReplies),
        new("options_left_out", "requested options that did not fit the client's maximum message size", () => Counters.OptionsLeftOut),
    ];

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

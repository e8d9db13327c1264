using System.Globalization;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Firewall;

// What `nfv show firewall`, `nfv show conntrack`, the management API and the metrics see of a firewall.
public sealed partial class FirewallFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    /// <remarks>
    /// <c>firewall</c>: each rule in order, then the default policy, with the packets and bytes it decided (a connection's
    /// packets count to the rule that let it in) and the connections it opened. <c>conntrack</c>: the connections.
    /// </remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("firewall", ["rule", "action", "match", "packets", "bytes", "connections"], _rules.Length + 1,
            () => _rules.Length + 1, RuleRows),
        new FunctionTable("conntrack", ["protocol", "vlan", "source", "destination", "state", "rule", "packets", "expires_seconds"],
            Options.MaxConnections, () => ConnectionCount, ConnectionRows),
    ];

    /// <inheritdoc/>
    /// <remarks>As a feature, also each <see cref="FirewallDrop"/> as <c>dropped_REASON</c> (inline, the graph counts drops).</remarks>
    public IReadOnlyList<FunctionCounter> Events => _events ??= _featureName is null
        ? Counters.Describe()
        : [.. Counters.Describe(), .. Drops.Describe("dropped_", "packets dropped: ")];

    /// <summary>Packets and bytes rule <paramref name="rule"/> decided (the rule count is the default policy), and connections it opened.</summary>
    public (long Packets, long Bytes, long Connections) RuleCounters(int rule) =>
        (Volatile.Read(ref _rulePackets[rule]), Volatile.Read(ref _ruleBytes[rule]), Volatile.Read(ref _ruleConnections[rule]));

    private IEnumerable<IReadOnlyList<string>> RuleRows()
    {
        for (int i = 0; i <= _rules.Length; i++)
        {
            bool isDefault = i == _rules.Length;
            var action = isDefault ? Options.Default : Options.Rules[i].Action;
            yield return
            [
                isDefault ? "default" : (i + 1).ToString(CultureInfo.InvariantCulture),
                action == FirewallAction.Allow ? "allow" : "deny",
                isDefault ? "no rule matched" : Options.Rules[i].Text,
                _rulePackets[i].ToString(CultureInfo.InvariantCulture),
                _ruleBytes[i].ToString(CultureInfo.InvariantCulture),
                _ruleConnections[i].ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    private IEnumerable<IReadOnlyList<string>> ConnectionRows()
    {
        if (_table is null)
        {
            yield break;
        }
        long now = _time.GetTimestamp();
        for (int i = 0; i < _table.Capacity; i++)
        {
            var c = _table[i];
            if (!c.InUse || c.Expires <= now || _ruleOf[i] == Unjudged)
            {
                continue; // on a router, the connections of its other features that this firewall never judged
            }
            var key = _table.OriginalKey(i);
            bool ports = key.Protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp;
            yield return
            [
                key.Protocol switch { Ipv4Header.ProtocolTcp => "tcp", Ipv4Header.ProtocolUdp => "udp", Ipv4Header.ProtocolIcmp => "icmp", var p => p.ToString(CultureInfo.InvariantCulture) },
                key.Vlan == 0 ? "" : key.Vlan.ToString(CultureInfo.InvariantCulture),
                Endpoint(key.Source, key.SourcePort, ports),
                Endpoint(key.Destination, key.DestinationPort, ports),
                key.Protocol == Ipv4Header.ProtocolTcp ? TcpTracking.State(c.Tcp).ToString().ToLowerInvariant() : "",
                RuleName(_ruleOf[i]),
                c.Packets.ToString(CultureInfo.InvariantCulture),
                ((c.Expires - now) / _time.TimestampFrequency).ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    private static string Endpoint(uint address, ushort port, bool ports) =>
        ports ? $"{new Ipv4Address(address)}:{port}" : new Ipv4Address(address).ToString();
}

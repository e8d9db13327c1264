using System.Globalization;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// What `nfv show nat`, the management API and the metrics see of a NAT.
public sealed partial class NatFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    /// <remarks>Table <c>nat</c>: one row per session, and one per port forward (remote <c>*</c>, state <c>forward</c>).</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        // The bound of the whole NAT, which instances run per worker hold together; a session is one instance's, a forward
        // may be in each.
        new FunctionTable("nat", ["protocol", "inside", "external", "remote", "state", "expires_seconds"], Options.MaxSessions,
            () => SessionCount, SessionRows)
        {
            KeyColumns = 4,
        },
    ];

    /// <inheritdoc/>
    /// <remarks><see cref="NatEvent"/>, then each <see cref="NatDrop"/> as <c>dropped_REASON</c>.</remarks>
    public IReadOnlyList<FunctionCounter> Events => _events ??= [.. Counters.Describe(), .. Drops.Describe("dropped_", "packets dropped: ")];

    private IEnumerable<IReadOnlyList<string>> SessionRows()
    {
        if (_outside < 0)
        {
            yield break;
        }
        long now = _time.GetTimestamp();
        for (int i = 0; i < _table.SessionSlots; i++)
        {
            int mapping = _table.MappingOf(i);
            var s = _table.SessionAt(i);
            if (mapping < 0 || s.Expires <= now)
            {
                continue;
            }
            var m = _table.MappingAt(mapping);
            var (remoteAddress, remotePort) = _table.RemoteOf(i);
            string state = m.Protocol == Ipv4Header.ProtocolTcp ? TcpTracking.State(s.Tcp).ToString().ToLowerInvariant() : "active";
            yield return
            [
                ProtocolName(m.Protocol),
                Endpoint(m.InsideAddress, m.InsidePort, m.Protocol),
                Endpoint(m.ExternalAddress, m.ExternalPort, m.Protocol),
                Endpoint(remoteAddress, remotePort, m.Protocol),
                state,
                ((s.Expires - now) / _frequency).ToString(CultureInfo.InvariantCulture),
            ];
        }
        for (int i = 0; i < _table.MappingSlots; i++)
        {
            var m = _table.MappingAt(i);
            if (m.InUse && m.Static)
            {
                yield return
                [
                    ProtocolName(m.Protocol),
                    Endpoint(m.InsideAddress, m.InsidePort, m.Protocol),
                    Endpoint(m.ExternalAddress, m.ExternalPort, m.Protocol),
                    "*",
                    "forward",
                    "",
                ];
            }
        }
    }

    // ICMP endpoints are written address#identifier, so an identifier is not mistaken for a port.
    private static string Endpoint(uint address, ushort port, byte protocol) => protocol == Ipv4Header.ProtocolIcmp
        ? (port == 0 ? new Ipv4Address(address).ToString() : $"{new Ipv4Address(address)}#{port}")
        : $"{new Ipv4Address(address)}:{port}";
}

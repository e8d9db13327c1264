using System.Globalization;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// What `nfv show nat`, the management API and the metrics see of a NAT.
public sealed partial class NatFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private FunctionCounter[]? _events;

    /// <inheritdoc/>
    /// <remarks>Table <c>nat</c>: one row per session, and one per port forward (remote <c>*</c>, state <c>forward</c>).</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("nat", ["protocol", "inside", "external", "remote", "state", "expires_seconds"], Options.MaxSessions,
            () => SessionCount, SessionRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= BuildEvents();

    private FunctionCounter[] BuildEvents()
    {
        var events = new List<FunctionCounter>
        {
            new("sessions_created", "sessions made", () => Counters.SessionsCreated),
            new("sessions_expired", "sessions removed after their idle timeout", () => Counters.SessionsExpired),
            new("translated_out", "packets translated inside to outside", () => Counters.TranslatedOut),
            new("translated_in", "packets translated outside to inside", () => Counters.TranslatedIn),
            new("hairpinned", "packets from inside to an external endpoint, sent back inside", () => Counters.Hairpinned),
            new("icmp_errors_translated", "ICMP errors translated with the datagram they quote", () => Counters.IcmpErrorsTranslated),
            new("fragments_translated", "later fragments translated as their first", () => Counters.FragmentsTranslated),
        };
        foreach (var reason in Enum.GetValues<NatDrop>())
        {
            events.Add(new FunctionCounter($"dropped_{InspectionNames.SnakeCase(reason.ToString())}", $"packets dropped: {reason}", () => Counters.Dropped(reason)));
        }
        return [.. events];
    }

    private IEnumerable<IReadOnlyList<string>> SessionRows()
    {
        if (_outside < 0)
        {
            yield break;
        }
        long now = _time.GetTimestamp();
        for (int i = 0; i < _table.SessionSlots; i++)
        {
            var s = _table.SessionAt(i);
            if (!s.InUse || s.Expires <= now)
            {
                continue;
            }
            var m = _table.MappingAt(s.Mapping);
            string state = m.Protocol == Ipv4Header.ProtocolTcp ? TcpState(s.Tcp).ToString().ToLowerInvariant() : "active";
            yield return
            [
                ProtocolName(m.Protocol),
                Endpoint(m.InsideAddress, m.InsidePort, m.Protocol),
                Endpoint(m.ExternalAddress, m.ExternalPort, m.Protocol),
                Endpoint(s.RemoteAddress, s.RemotePort, m.Protocol),
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

using Nfv.Abstractions;
using Nfv.Ip.Connections;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// Outside to inside: the input hook of the outside interface.
public sealed partial class NatFunction
{
    private Ipv4FeatureVerdict FromOutside(Packet packet, Span<byte> ip, long now)
    {
        uint destination = Ipv4Header.Destination(ip).Value;
        if (ExternalIndex(destination) < 0)
        {
            // Not for a mapping: the router's own other addresses are its business; nothing else gets in (an outside host
            // routing an inside subnet through us reaches nothing).
            return IsLocal(destination) ? Ipv4FeatureVerdict.Continue : Drop(NatDrop.Unsolicited);
        }
        byte protocol = Ipv4Header.Protocol(ip);
        uint source = Ipv4Header.Source(ip).Value;
        if (Ipv4Header.IsLaterFragment(ip))
        {
            return LaterFragment(ip, source, destination, protocol, now);
        }
        int headerLength = Ipv4Header.HeaderLength(ip);
        var l4 = L4(ip, headerLength);
        ushort remotePort;
        ushort externalPort;
        if (protocol == Ipv4Header.ProtocolTcp || protocol == Ipv4Header.ProtocolUdp)
        {
            if (l4.Length < L4Needed(protocol))
            {
                return Drop(NatDrop.Malformed);
            }
            remotePort = ReadPort(l4, NatTranslation.SourcePortOffset);
            externalPort = ReadPort(l4, NatTranslation.DestinationPortOffset);
        }
        else if (protocol == Ipv4Header.ProtocolIcmp && l4.Length >= IcmpHeader.Size)
        {
            byte type = IcmpHeader.Type(l4);
            if (IcmpHeader.IsError(type))
            {
                return ErrorFromOutside(ip, l4, now);
            }
            if (type != IcmpHeader.TypeEchoReply)
            {
                return Ipv4FeatureVerdict.Continue; // echo requests and the rest are the router's
            }
            remotePort = 0;
            externalPort = ReadPort(l4, NatTranslation.IcmpIdentifierOffset);
        }
        else
        {
            return Ipv4FeatureVerdict.Continue; // the router answers (protocol unreachable) or drops it
        }

        byte tcpFlags = TcpFlags(protocol, l4);
        int session = _tracker is { Current: >= 0 } ? CurrentSession(FlowKey.Of(source, destination, remotePort, externalPort, 0, protocol), outside: true) : -1;
        if (session < 0)
        {
            session = _table.FindInbound(protocol, source, remotePort, destination, externalPort, now);
        }
        if (session >= 0)
        {
            Refresh(session, protocol, outbound: false, tcpFlags, now);
        }
        else
        {
            int mapping = _table.FindByExternal(protocol, destination, externalPort);
            if (mapping < 0)
            {
                return Ipv4FeatureVerdict.Continue; // the router's own port: port unreachable for UDP, silence for TCP
            }
            var verdict = Admit(mapping, protocol, source, remotePort, tcpFlags, now, out session);
            if (session < 0)
            {
                return verdict;
            }
        }
        _tracker?.Set(session, reply: !_table.IsInbound(session));
        ref var m = ref _table.MappingAt(_table.MappingOf(session));
        NatTranslation.Rewrite(ip, l4, protocol, source: false, m.InsideAddress, m.InsidePort, packet.Offload.NeedsChecksum);
        RememberFirstFragment(ip, source, destination, protocol, source, m.InsideAddress, now);
        Counters.Increment(NatEvent.TranslatedIn);
        return Ipv4FeatureVerdict.Continue;
    }

    /// <summary>
    /// An inbound packet from a remote endpoint to a mapping: its live session, or a new one when the filter (RFC 4787 §5)
    /// or a forward lets the remote in; refreshed. <paramref name="session"/> is -1 when refused, and the verdict says what
    /// to do then: Drop (filtered, a bound) or Continue (the mapping has died: the packet is the router's).
    /// </summary>
    private Ipv4FeatureVerdict Admit(int mapping, byte protocol, uint remote, ushort remotePort, byte tcpFlags, long now, out int session)
    {
        var table = _table;
        session = table.FindSession(mapping, remote, remotePort, now);
        if (session < 0 && !table.MappingAt(mapping).InUse)
        {
            return Ipv4FeatureVerdict.Continue; // its last session has just expired, and the mapping with it
        }
        if (session < 0)
        {
            ref var m = ref table.MappingAt(mapping);
            bool admitted = m.Static || Options.Filtering switch
            {
                NatFiltering.EndpointIndependent => table.HasLiveSession(mapping, null, now),
                NatFiltering.AddressDependent => table.HasLiveSession(mapping, remote, now),
                _ => false,
            };
            if (!admitted)
            {
                // A mapping whose sessions have all expired is no mapping (the sweep has not reached it yet).
                return table.HasLiveSession(mapping, null, now) ? Drop(NatDrop.Filtered) : Ipv4FeatureVerdict.Continue;
            }
            if (table.IsFull)
            {
                ReportFull();
                return Drop(NatDrop.SessionLimit);
            }
            if (_limiter.TryTake(remote, now) is { } limited)
            {
                return Drop(limited);
            }
            session = table.AddSession(mapping, remote, remotePort, now + Timeout(protocol, TcpSeen.None), MaxSessionsPerHost, inbound: true,
                out var refused, ForeignCurrent());
            if (session < 0)
            {
                return Drop(refused);
            }
            Counters.Increment(NatEvent.SessionsCreated);
        }
        Refresh(session, protocol, outbound: false, tcpFlags, now);
        return Ipv4FeatureVerdict.Continue;
    }
}

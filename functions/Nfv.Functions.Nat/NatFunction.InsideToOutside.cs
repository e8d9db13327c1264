using Nfv.Abstractions;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// Inside to outside: the output hook of the outside interface (source translation), and hairpinning on the input hook
// of the inside interfaces.
public sealed partial class NatFunction
{
    private Ipv4FeatureVerdict ToOutside(Packet packet, Span<byte> ip, long now)
    {
        int headerLength = Ipv4Header.HeaderLength(ip);
        byte protocol = Ipv4Header.Protocol(ip);
        uint source = Ipv4Header.Source(ip).Value;
        uint destination = Ipv4Header.Destination(ip).Value;
        if (Ipv4Header.IsLaterFragment(ip))
        {
            return LaterFragment(ip, source, destination, protocol, now);
        }
        var l4 = L4(ip, headerLength);
        if (protocol == Ipv4Header.ProtocolTcp || protocol == Ipv4Header.ProtocolUdp)
        {
            if (l4.Length < L4Needed(protocol))
            {
                return Drop(NatDrop.Malformed);
            }
            ushort sourcePort = ReadPort(l4, NatTranslation.SourcePortOffset);
            ushort destinationPort = ReadPort(l4, NatTranslation.DestinationPortOffset);
            int session = OutboundSession(protocol, source, sourcePort, destination, destinationPort, TcpFlags(protocol, l4), now, out var refused);
            if (session < 0)
            {
                return Drop(refused);
            }
            ref var mapping = ref _table.MappingAt(_table.MappingOf(session));
            NatTranslation.Rewrite(ip, l4, protocol, source: true, mapping.ExternalAddress, mapping.ExternalPort, packet.Offload.NeedsChecksum);
            RememberFirstFragment(ip, source, destination, protocol, mapping.ExternalAddress, destination, now);
            Counters.Increment(NatEvent.TranslatedOut);
            return Ipv4FeatureVerdict.Continue;
        }
        if (protocol != Ipv4Header.ProtocolIcmp)
        {
            return Drop(NatDrop.UnsupportedProtocol);
        }
        if (l4.Length < IcmpHeader.Size)
        {
            return Drop(NatDrop.Malformed);
        }
        byte type = IcmpHeader.Type(l4);
        if (type == IcmpHeader.TypeEchoRequest)
        {
            ushort identifier = ReadPort(l4, NatTranslation.IcmpIdentifierOffset);
            int session = OutboundSession(protocol, source, identifier, destination, 0, 0, now, out var refused);
            if (session < 0)
            {
                return Drop(refused);
            }
            ref var mapping = ref _table.MappingAt(_table.MappingOf(session));
            NatTranslation.Rewrite(ip, l4, protocol, source: true, mapping.ExternalAddress, mapping.ExternalPort, partial: false);
            RememberFirstFragment(ip, source, destination, protocol, mapping.ExternalAddress, destination, now);
            Counters.Increment(NatEvent.TranslatedOut);
            return Ipv4FeatureVerdict.Continue;
        }
        if (IcmpHeader.IsError(type))
        {
            return ErrorToOutside(ip, l4, now);
        }
        return Drop(NatDrop.UnsupportedIcmp);
    }

    // An inside host sends to an external address: when a mapping (or forward) owns the port, the packet goes back in,
    // from the sender's own mapping (RFC 4787 REQ-9), so both ends see each other's external endpoints. Anything else to
    // an external address is the router's (ping, port unreachable).
    private Ipv4FeatureVerdict FromInside(Packet packet, Span<byte> ip, long now)
    {
        uint destination = Ipv4Header.Destination(ip).Value;
        if (ExternalIndex(destination) < 0)
        {
            return Ipv4FeatureVerdict.Continue; // the common case: inside to outside, translated on output
        }
        byte protocol = Ipv4Header.Protocol(ip);
        uint source = Ipv4Header.Source(ip).Value;
        if (Ipv4Header.IsLaterFragment(ip))
        {
            return LaterFragment(ip, source, destination, protocol, now);
        }
        if (protocol != Ipv4Header.ProtocolTcp && protocol != Ipv4Header.ProtocolUdp)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        int headerLength = Ipv4Header.HeaderLength(ip);
        var l4 = L4(ip, headerLength);
        if (l4.Length < L4Needed(protocol))
        {
            return Drop(NatDrop.Malformed);
        }
        ushort sourcePort = ReadPort(l4, NatTranslation.SourcePortOffset);
        ushort destinationPort = ReadPort(l4, NatTranslation.DestinationPortOffset);
        int target = _table.FindByExternal(protocol, destination, destinationPort);
        if (target < 0)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        byte flags = TcpFlags(protocol, l4);
        int session = OutboundSession(protocol, source, sourcePort, destination, destinationPort, flags, now, out var refused);
        if (session < 0)
        {
            return Drop(refused);
        }
        ref var own = ref _table.MappingAt(_table.MappingOf(session));
        uint fromAddress = own.ExternalAddress;
        ushort fromPort = own.ExternalPort;
        // The sender's session may have expired the target's last one only if they are the same mapping: look again.
        target = _table.FindByExternal(protocol, destination, destinationPort);
        if (target < 0)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        var verdict = Admit(target, protocol, fromAddress, fromPort, flags, now, out int inbound);
        if (inbound < 0)
        {
            return verdict;
        }
        _tracker?.Set(inbound, reply: !_table.IsInbound(inbound)); // the packet is now the target's session's
        ref var to = ref _table.MappingAt(target);
        bool partial = packet.Offload.NeedsChecksum;
        NatTranslation.Rewrite(ip, l4, protocol, source: true, fromAddress, fromPort, partial);
        NatTranslation.Rewrite(ip, l4, protocol, source: false, to.InsideAddress, to.InsidePort, partial);
        RememberFirstFragment(ip, source, destination, protocol, fromAddress, to.InsideAddress, now);
        Counters.Increment(NatEvent.Hairpinned);
        return Ipv4FeatureVerdict.Continue;
    }

    // A fragment after the first carries no ports: it gets the addresses its first fragment got, or is dropped.
    private Ipv4FeatureVerdict LaterFragment(Span<byte> ip, uint source, uint destination, byte protocol, long now)
    {
        if (!_fragments.TryGet(source, destination, protocol, Ipv4Header.Identification(ip), now, out uint newSource, out uint newDestination))
        {
            return Drop(NatDrop.FragmentWithoutFirst);
        }
        if (newSource != source)
        {
            NatTranslation.RewriteAddress(ip, source: true, newSource);
        }
        if (newDestination != destination)
        {
            NatTranslation.RewriteAddress(ip, source: false, newDestination);
        }
        Counters.Increment(NatEvent.FragmentsTranslated);
        return Ipv4FeatureVerdict.Continue;
    }

    private void RememberFirstFragment(Span<byte> ip, uint source, uint destination, byte protocol, uint newSource, uint newDestination, long now)
    {
        if ((Ipv4Header.FragmentWord(ip) & Ipv4Header.MoreFragments) != 0)
        {
            _fragments.Remember(source, destination, protocol, Ipv4Header.Identification(ip), newSource, newDestination, now);
        }
    }
}

using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// ICMP errors (RFC 5508 §4.2, RFC 7857 §2.4): the outer address and the quoted datagram are translated together, with
// every checksum. An error matches a session by the datagram it quotes, whatever its outer source (a router on the path
// sends time exceeded), and never refreshes it.
public sealed partial class NatFunction
{
    // An error from outside about a datagram we sent out: it quotes external:port → remote:port.
    private Ipv4FeatureVerdict ErrorFromOutside(Span<byte> ip, Span<byte> icmp, long now)
    {
        if (!TryReadQuote(icmp, out byte protocol, out uint quotedSource, out uint quotedDestination, out ushort sourcePort, out ushort destinationPort))
        {
            return Drop(NatDrop.Malformed);
        }
        int mapping = _table.FindByExternal(protocol, quotedSource, sourcePort);
        if (mapping < 0)
        {
            return Ipv4FeatureVerdict.Continue; // about something of the router's own
        }
        if (_table.FindSession(mapping, quotedDestination, destinationPort, now) < 0)
        {
            return Drop(NatDrop.IcmpErrorNoSession);
        }
        ref var m = ref _table.MappingAt(mapping);
        NatTranslation.RewriteAddress(ip, source: false, m.InsideAddress);
        NatTranslation.RewriteQuoted(icmp, protocol, source: true, m.InsideAddress, m.InsidePort);
        Counters.Increment(NatEvent.IcmpErrorsTranslated);
        return Ipv4FeatureVerdict.Continue;
    }

    // An error about a datagram that came in through us, from an inside host or from the router itself (TTL expired,
    // fragmentation needed on the way in): it quotes remote:port → inside:port.
    private Ipv4FeatureVerdict ErrorToOutside(Span<byte> ip, Span<byte> icmp, long now)
    {
        if (!TryReadQuote(icmp, out byte protocol, out uint quotedSource, out uint quotedDestination, out ushort sourcePort, out ushort destinationPort))
        {
            return Drop(NatDrop.Malformed);
        }
        bool fromRouter = IsLocal(Ipv4Header.Source(ip).Value);
        if (protocol == Ipv4Header.ProtocolIcmp)
        {
            // Echo requests from outside never reach inside hosts: nothing to translate back.
            return fromRouter ? Ipv4FeatureVerdict.Continue : Drop(NatDrop.IcmpErrorNoSession);
        }
        int mapping = FindOutboundMapping(protocol, quotedDestination, destinationPort, quotedSource, sourcePort);
        if (mapping < 0 || _table.FindSession(mapping, quotedSource, sourcePort, now) < 0)
        {
            // The router's own error about a packet that was not translated (a port unreachable for its own address).
            return fromRouter ? Ipv4FeatureVerdict.Continue : Drop(NatDrop.IcmpErrorNoSession);
        }
        ref var m = ref _table.MappingAt(mapping);
        NatTranslation.RewriteAddress(ip, source: true, m.ExternalAddress);
        NatTranslation.RewriteQuoted(icmp, protocol, source: false, m.ExternalAddress, m.ExternalPort);
        Counters.Increment(NatEvent.IcmpErrorsTranslated);
        return Ipv4FeatureVerdict.Continue;
    }

    /// <summary>
    /// Reads the datagram an ICMP error quotes: an IPv4 header and at least 8 bytes of TCP, UDP or ICMP echo request
    /// (RFC 792); for ICMP the identifier stands for the source port and 0 for the destination port.
    /// </summary>
    private static bool TryReadQuote(ReadOnlySpan<byte> icmp, out byte protocol, out uint source, out uint destination,
        out ushort sourcePort, out ushort destinationPort)
    {
        protocol = 0;
        source = destination = 0;
        sourcePort = destinationPort = 0;
        if (icmp.Length < IcmpHeader.Size + Ipv4Header.MinSize + 8)
        {
            return false;
        }
        var inner = icmp[IcmpHeader.Size..];
        int headerLength = Ipv4Header.HeaderLength(inner);
        if (Ipv4Header.Version(inner) != 4 || headerLength < Ipv4Header.MinSize || inner.Length < headerLength + 8 || Ipv4Header.IsLaterFragment(inner))
        {
            return false;
        }
        protocol = Ipv4Header.Protocol(inner);
        source = Ipv4Header.Source(inner).Value;
        destination = Ipv4Header.Destination(inner).Value;
        var l4 = inner[headerLength..];
        switch (protocol)
        {
            case Ipv4Header.ProtocolTcp:
            case Ipv4Header.ProtocolUdp:
                sourcePort = ReadPort(l4, NatTranslation.SourcePortOffset);
                destinationPort = ReadPort(l4, NatTranslation.DestinationPortOffset);
                return true;
            case Ipv4Header.ProtocolIcmp:
                sourcePort = ReadPort(l4, NatTranslation.IcmpIdentifierOffset);
                return IcmpHeader.Type(l4) == IcmpHeader.TypeEchoRequest;
            default:
                return false;
        }
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// Builds and answers the frames an IPv6 endpoint deals with on the slow path: neighbour solicitations and
/// advertisements, router advertisements, echo replies and ICMPv6 errors. Frames are untagged Ethernet with the IPv6
/// header at byte 14. Nothing here allocates on the packet path: frames are written into packets from
/// <see cref="Emitter.Allocate"/> or rewritten in place.
/// </summary>
public static class Ipv6Frames
{
    /// <summary>Most bytes of an ICMPv6 error datagram (RFC 4443 §2.4 (c): as much as fits the minimum MTU).</summary>
    public const int MaxIcmpErrorLength = Ipv6Header.MinimumMtu;

    /// <summary>The hop limit of datagrams the endpoint originates (Linux's default).</summary>
    public const byte DefaultHopLimit = 64;

    /// <summary>The hop limit of every neighbour discovery message, checked on receipt (RFC 4861 §7.1: it proves the sender is on the link).</summary>
    public const byte NeighbourDiscoveryHopLimit = 255;

    /// <summary>Bytes of a neighbour solicitation or advertisement with its one link-layer address option.</summary>
    public const int NeighbourMessageLength = Icmpv6Header.Size + Ipv6Address.Size + 8;

    /// <summary>Neighbour advertisement flag R: the sender is a router.</summary>
    public const uint FlagRouter = 0x8000_0000;
    /// <summary>Neighbour advertisement flag S: an answer to a solicitation.</summary>
    public const uint FlagSolicited = 0x4000_0000;
    /// <summary>Neighbour advertisement flag O: replace a cached link-layer address.</summary>
    public const uint FlagOverride = 0x2000_0000;

    /// <summary>
    /// Writes an ICMPv6 message (<paramref name="message"/>: type, code, a checksum field that is filled in here, and
    /// the rest) in a new frame in <paramref name="packet"/> (reset first).
    /// </summary>
    public static void WriteIcmpv6(Packet packet, MacAddress sourceMac, MacAddress destinationMac, Ipv6Address source,
        Ipv6Address destination, byte hopLimit, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(packet);
        packet.Reset();
        packet.SetFrame(Packet.DefaultHeadroom, EthernetHeader.Size + Ipv6Header.Size + message.Length);
        var frame = packet.Data;
        destinationMac.Write(frame);
        sourceMac.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetHeader.TypeOffset..], EthernetHeader.TypeIpv6);
        var ip = frame[EthernetHeader.Size..];
        Ipv6Header.Write(ip, message.Length, Ipv6Header.ProtocolIcmpv6, hopLimit, source, destination);
        var icmp = ip[Ipv6Header.Size..];
        message.CopyTo(icmp);
        Icmpv6Header.UpdateChecksum(icmp, source, destination);
    }

    /// <summary>
    /// Writes a neighbour solicitation for <paramref name="target"/> (RFC 4861 §4.3): to its solicited-node group, or
    /// straight to <paramref name="knownMac"/> and the target itself when confirming a neighbour already known (a
    /// probe, §7.3.3). From <paramref name="source"/>; from <c>::</c> (duplicate address detection, RFC 4862 §5.4.2)
    /// it carries no source link-layer address option.
    /// </summary>
    public static void WriteNeighbourSolicitation(Packet packet, MacAddress sourceMac, Ipv6Address source, Ipv6Address target, MacAddress? knownMac = null)
    {
        Span<byte> message = stackalloc byte[NeighbourMessageLength];
        message.Clear();
        message[0] = Icmpv6Header.TypeNeighborSolicitation;
        target.Write(message[8..]);
        int length = Icmpv6Header.Size + Ipv6Address.Size;
        if (!source.IsUnspecified)
        {
            WriteLinkLayerOption(message[length..], Icmpv6Header.OptionSourceLinkLayer, sourceMac);
            length += 8;
        }
        var destination = knownMac is null ? target.SolicitedNode : target;
        WriteIcmpv6(packet, sourceMac, knownMac ?? destination.MulticastMac, source, destination, NeighbourDiscoveryHopLimit, message[..length]);
    }

    /// <summary>Writes a neighbour advertisement for <paramref name="target"/> with its target link-layer address (RFC 4861 §4.4).</summary>
    public static void WriteNeighbourAdvertisement(Packet packet, MacAddress ownMac, MacAddress destinationMac, Ipv6Address source,
        Ipv6Address destination, Ipv6Address target, uint flags)
    {
        Span<byte> message = stackalloc byte[NeighbourMessageLength];
        message.Clear();
        message[0] = Icmpv6Header.TypeNeighborAdvertisement;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], flags);
        target.Write(message[8..]);
        WriteLinkLayerOption(message[24..], Icmpv6Header.OptionTargetLinkLayer, ownMac);
        WriteIcmpv6(packet, ownMac, destinationMac, source, destination, NeighbourDiscoveryHopLimit, message);
    }

    /// <summary>
    /// The ICMPv6 message of a router advertisement (RFC 4861 §4.2), checksum left for <see cref="WriteIcmpv6"/>: hop limit
    /// 64, the M and O flags, the router lifetime, a source link-layer option, an MTU option, a prefix information option
    /// per prefix (on-link; autonomous when 64 bits long, RFC 4862 §5.5.3) and the DNS servers (RFC 8106). Built once per
    /// interface; allocates.
    /// </summary>
    public static byte[] RouterAdvertisement(MacAddress ownMac, bool managed, bool other, TimeSpan routerLifetime, int mtu,
        IReadOnlyList<Ipv6Prefix> prefixes, TimeSpan validLifetime, TimeSpan preferredLifetime, IReadOnlyList<Ipv6Address> dnsServers, TimeSpan dnsLifetime)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        ArgumentNullException.ThrowIfNull(dnsServers);
        int length = 16 + 8 + 8 + 32 * prefixes.Count + (dnsServers.Count > 0 ? 8 + 16 * dnsServers.Count : 0);
        var message = new byte[length];
        message[0] = Icmpv6Header.TypeRouterAdvertisement;
        message[4] = DefaultHopLimit;
        message[5] = (byte)((managed ? 0x80 : 0) | (other ? 0x40 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), (ushort)Math.Min(ushort.MaxValue, routerLifetime.TotalSeconds));
        // Reachable time and retransmission timer 0: unspecified by this router.
        int at = 16;
        WriteLinkLayerOption(message.AsSpan(at), Icmpv6Header.OptionSourceLinkLayer, ownMac);
        at += 8;
        message[at] = Icmpv6Header.OptionMtu;
        message[at + 1] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(at + 4), (uint)mtu);
        at += 8;
        foreach (var prefix in prefixes)
        {
            var option = message.AsSpan(at, 32);
            option[0] = Icmpv6Header.OptionPrefixInformation;
            option[1] = 4;
            option[2] = (byte)prefix.Length;
            option[3] = (byte)(0x80 | (prefix.Length == 64 ? 0x40 : 0)); // L, and A for SLAAC
            BinaryPrimitives.WriteUInt32BigEndian(option[4..], Seconds(validLifetime));
            BinaryPrimitives.WriteUInt32BigEndian(option[8..], Seconds(preferredLifetime));
            prefix.Network.Address.Write(option[16..]);
            at += 32;
        }
        if (dnsServers.Count > 0)
        {
            message[at] = Icmpv6Header.OptionRdnss;
            message[at + 1] = (byte)(1 + 2 * dnsServers.Count);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(at + 4), Seconds(dnsLifetime));
            at += 8;
            foreach (var server in dnsServers)
            {
                server.Write(message.AsSpan(at));
                at += 16;
            }
        }
        return message;
    }

    /// <summary>
    /// Finds a link-layer address option of type <paramref name="type"/> among neighbour discovery options. False when
    /// there is none; <paramref name="valid"/> is false when an option has length 0 or runs past the end (RFC 4861
    /// §7.1: the message must be dropped).
    /// </summary>
    public static bool TryFindLinkLayerOption(ReadOnlySpan<byte> options, byte type, out MacAddress mac, out bool valid)
    {
        mac = default;
        valid = true;
        bool found = false;
        while (options.Length > 0)
        {
            if (options.Length < 2 || options[1] == 0 || options[1] * 8 > options.Length)
            {
                valid = false;
                return false;
            }
            if (options[0] == type && options[1] == 1 && !found)
            {
                mac = MacAddress.Read(options[2..]);
                found = true;
            }
            options = options[(options[1] * 8)..];
        }
        return found;
    }

    /// <summary>
    /// Turns an ICMPv6 echo request to <paramref name="ownIp"/> (its ICMPv6 message at <paramref name="icmpOffset"/> of
    /// the IPv6 header, <paramref name="icmpLength"/> long; extension headers before it are removed) into the echo reply,
    /// in place: back to the requester's MAC and address, hop limit 64, checksum recomputed.
    /// </summary>
    public static void AnswerEchoRequest(Packet packet, MacAddress ownMac, Ipv6Address ownIp, int icmpOffset, int icmpLength)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var frame = packet.Data;
        var ip = frame[EthernetHeader.Size..];
        var requester = Ipv6Header.Source(ip);
        var requesterMac = EthernetHeader.Source(frame);
        if (icmpOffset != Ipv6Header.Size)
        {
            ip.Slice(icmpOffset, icmpLength).CopyTo(ip[Ipv6Header.Size..]);
        }
        Ipv6Header.Write(ip, icmpLength, Ipv6Header.ProtocolIcmpv6, DefaultHopLimit, ownIp, requester);
        var icmp = ip.Slice(Ipv6Header.Size, icmpLength);
        icmp[0] = Icmpv6Header.TypeEchoReply;
        Icmpv6Header.UpdateChecksum(icmp, ownIp, requester);
        requesterMac.Write(frame);
        ownMac.Write(frame[6..]);
        packet.SetLength(EthernetHeader.Size + Ipv6Header.Size + icmpLength);
        packet.Offload = default;
    }

    /// <summary>
    /// Writes an ICMPv6 error about <paramref name="offendingFrame"/> into <paramref name="packet"/> (reset first), back
    /// to the frame's source MAC and address, from <paramref name="ownIp"/>, quoting as much of the offending datagram as
    /// fits 1280 bytes (RFC 4443 §2.4 (c)). <paramref name="restOfHeader"/> is the second ICMPv6 word (the MTU of a packet
    /// too big, the pointer of a parameter problem).
    /// </summary>
    public static void WriteIcmpError(Packet packet, ReadOnlySpan<byte> offendingFrame, MacAddress ownMac, Ipv6Address ownIp,
        byte type, byte code, uint restOfHeader)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var offendingIp = offendingFrame[EthernetHeader.Size..];
        int offendingLength = Math.Min(Ipv6Header.Size + Ipv6Header.PayloadLength(offendingIp), offendingIp.Length);
        int quote = Math.Min(offendingLength, MaxIcmpErrorLength - Ipv6Header.Size - Icmpv6Header.Size);
        packet.Reset();
        packet.SetFrame(Packet.DefaultHeadroom, EthernetHeader.Size + Ipv6Header.Size + Icmpv6Header.Size + quote);
        var frame = packet.Data;
        var requester = Ipv6Header.Source(offendingIp);
        EthernetHeader.Source(offendingFrame).Write(frame);
        ownMac.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetHeader.TypeOffset..], EthernetHeader.TypeIpv6);
        var ip = frame[EthernetHeader.Size..];
        Ipv6Header.Write(ip, Icmpv6Header.Size + quote, Ipv6Header.ProtocolIcmpv6, DefaultHopLimit, ownIp, requester);
        var icmp = ip[Ipv6Header.Size..];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], restOfHeader);
        offendingIp[..quote].CopyTo(icmp[Icmpv6Header.Size..]);
        Icmpv6Header.UpdateChecksum(icmp, ownIp, requester);
    }

    private static void WriteLinkLayerOption(Span<byte> option, byte type, MacAddress mac)
    {
        option[0] = type;
        option[1] = 1;
        mac.Write(option[2..]);
    }

    private static uint Seconds(TimeSpan span) => (uint)Math.Min(uint.MaxValue, Math.Max(0, span.TotalSeconds));
}

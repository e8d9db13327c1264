using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// Builds and answers the frames an IPv4 endpoint deals with on the slow path: ARP requests and replies, ICMP echo
/// replies and ICMP errors. Shared by every function that owns IPv4 addresses (the router, the DHCP server).
/// Nothing here allocates: frames are written into packets from <see cref="Emitter.Allocate"/> or rewritten in place.
/// </summary>
public static class Ipv4Frames
{
    /// <summary>Bytes of an Ethernet + ARP frame (no padding: TAPs and Linux accept short frames).</summary>
    public const int ArpFrameLength = EthernetHeader.Size + ArpHeader.Size;

    /// <summary>
    /// Most bytes of an ICMP error datagram (RFC 1812 §4.3.2.3: "as much of the original datagram as possible
    /// without the length of the ICMP datagram exceeding 576 bytes").
    /// </summary>
    public const int MaxIcmpErrorLength = 576;

    /// <summary>The TTL of datagrams the endpoint originates (Linux's default).</summary>
    public const byte DefaultTtl = 64;

    /// <summary>Writes a broadcast ARP request for <paramref name="target"/> into <paramref name="packet"/> (reset first).</summary>
    public static void WriteArpRequest(Packet packet, MacAddress sourceMac, Ipv4Address sourceIp, Ipv4Address target)
    {
        ArgumentNullException.ThrowIfNull(packet);
        packet.Reset();
        packet.SetFrame(Packet.DefaultHeadroom, ArpFrameLength);
        var frame = packet.Data;
        MacAddress.Broadcast.Write(frame);
        sourceMac.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetHeader.TypeOffset..], EthernetHeader.TypeArp);
        ArpHeader.Write(frame[EthernetHeader.Size..], ArpHeader.OperationRequest, sourceMac, sourceIp, default, target);
    }

    /// <summary>
    /// Turns an ARP request (an untagged Ethernet frame) for <paramref name="ownIp"/> into the reply from
    /// <paramref name="ownMac"/>, in place, addressed to the requester. The frame is cut to <see cref="ArpFrameLength"/>.
    /// </summary>
    public static void AnswerArpRequest(Packet packet, MacAddress ownMac, Ipv4Address ownIp)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var frame = packet.Data;
        var arp = frame[EthernetHeader.Size..];
        var requesterMac = ArpHeader.SenderMac(arp);
        var requesterIp = ArpHeader.SenderIp(arp);
        requesterMac.Write(frame);
        ownMac.Write(frame[6..]);
        ArpHeader.Write(arp, ArpHeader.OperationReply, ownMac, ownIp, requesterMac, requesterIp);
        packet.SetLength(ArpFrameLength);
        packet.Offload = default;
    }

    /// <summary>
    /// Turns an ICMP echo request (untagged Ethernet, IPv4 header at 14, already checked) into the echo reply, in
    /// place: Ethernet and IP addresses swapped (the reply comes from <paramref name="ownIp"/>, the address pinged),
    /// type 0, TTL 64, IP options removed, checksums updated. The frame is cut to the IP total length.
    /// </summary>
    public static void AnswerEchoRequest(Packet packet, MacAddress ownMac, Ipv4Address ownIp)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var frame = packet.Data;
        var ip = frame[EthernetHeader.Size..];
        int headerLength = Ipv4Header.HeaderLength(ip);
        int total = Ipv4Header.TotalLength(ip);
        var requester = Ipv4Header.Source(ip);
        var sourceMac = EthernetHeader.Source(frame);
        if (headerLength > Ipv4Header.MinSize)
        {
            // Drop the options (RFC 1122 §3.2.2.6 allows echoing record-route etc.; we do not).
            ip[headerLength..total].CopyTo(ip[Ipv4Header.MinSize..]);
            total -= headerLength - Ipv4Header.MinSize;
        }
        var icmp = ip[Ipv4Header.MinSize..total];
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(icmp[2..]);
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(icmp);
        icmp[0] = IcmpHeader.TypeEchoReply;
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(icmp);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Update(checksum, oldWord, newWord));
        byte tos = ip[1];
        Ipv4Header.Write(ip, total, Ipv4Header.Identification(ip), DefaultTtl, Ipv4Header.ProtocolIcmp, ownIp, requester, tos);
        sourceMac.Write(frame);
        ownMac.Write(frame[6..]);
        packet.SetLength(EthernetHeader.Size + total);
        packet.Offload = default;
    }

    /// <summary>
    /// Writes an ICMP error about <paramref name="offendingFrame"/> (untagged Ethernet, IPv4 at 14) into
    /// <paramref name="packet"/> (reset first), sent back to the frame's source: Ethernet destination is the frame's
    /// source MAC, IP destination its source address. It quotes the offending datagram's header and as much data as
    /// fits in 576 bytes (RFC 1812 §4.3.2.3). <paramref name="restOfHeader"/> is the second ICMP word (the next-hop
    /// MTU for fragmentation needed, RFC 1191 §4). The offload header is zero: the router originates the frame.
    /// </summary>
    public static void WriteIcmpError(Packet packet, ReadOnlySpan<byte> offendingFrame, MacAddress ownMac, Ipv4Address ownIp,
        byte type, byte code, uint restOfHeader, ushort identification)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var offendingIp = offendingFrame[EthernetHeader.Size..];
        int offendingLength = Math.Min(Ipv4Header.TotalLength(offendingIp), offendingIp.Length);
        int quote = Math.Min(offendingLength, MaxIcmpErrorLength - Ipv4Header.MinSize - IcmpHeader.Size);
        int total = Ipv4Header.MinSize + IcmpHeader.Size + quote;
        packet.Reset();
        packet.SetFrame(Packet.DefaultHeadroom, EthernetHeader.Size + total);
        var frame = packet.Data;
        EthernetHeader.Source(offendingFrame).Write(frame);
        ownMac.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetHeader.TypeOffset..], EthernetHeader.TypeIpv4);
        var ip = frame[EthernetHeader.Size..];
        // RFC 1812 §4.3.2.5: TOS of an error is that of the offending datagram (0xC0 is used by some; we copy).
        Ipv4Header.Write(ip, total, identification, DefaultTtl, Ipv4Header.ProtocolIcmp, ownIp, Ipv4Header.Source(offendingIp), offendingIp[1]);
        var icmp = ip[Ipv4Header.MinSize..];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], restOfHeader);
        offendingIp[..quote].CopyTo(icmp[IcmpHeader.Size..]);
        IcmpHeader.UpdateChecksum(icmp[..(IcmpHeader.Size + quote)]);
    }

    /// <summary>
    /// True for a source address no host may use (RFC 1812 §5.3.7): 0.0.0.0/8, 127.0.0.0/8, class D (multicast),
    /// class E and the limited broadcast.
    /// </summary>
    public static bool IsMartianSource(Ipv4Address address)
    {
        uint first = address.Value >> 24;
        return first == 0 || first == 127 || first >= 224;
    }

    /// <summary>True for multicast (224.0.0.0/4).</summary>
    public static bool IsMulticast(Ipv4Address address) => (address.Value >> 28) == 0xE;

    /// <summary>True for 255.255.255.255.</summary>
    public static bool IsLimitedBroadcast(Ipv4Address address) => address.Value == uint.MaxValue;
}

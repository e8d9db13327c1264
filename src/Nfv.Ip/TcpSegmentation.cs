using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// Where a TCP GSO super-frame's headers end and how it splits (<see cref="TcpSegmentation.Plan"/>).
/// </summary>
/// <param name="IpOffset">Where the IP header starts (after Ethernet and any VLAN tag).</param>
/// <param name="TcpOffset">Where the TCP header starts.</param>
/// <param name="HeaderLength">The bytes every segment repeats: Ethernet, IP and TCP headers.</param>
/// <param name="SegmentSize">Payload bytes per segment (the MSS the sender chose).</param>
/// <param name="PayloadLength">The super-frame's payload bytes.</param>
/// <param name="Segments">How many segments it makes.</param>
/// <param name="Ipv6">True for TCP over IPv6 (no header checksum or identification to write).</param>
public readonly record struct TcpSegmentPlan(int IpOffset, int TcpOffset, int HeaderLength, int SegmentSize, int PayloadLength, int Segments, bool Ipv6 = false);

/// <summary>
/// TCP segmentation in software, for a TCP super-frame over IPv4 or IPv6 (up to 64 KB from a lab host's TAP, its
/// checksum partial) that must leave where no device segments it (a VXLAN tunnel's UDP socket): each segment, written
/// where the caller says, gets the headers, its slice of the payload, its own IP length (IPv4: total length,
/// identification and header checksum; IPv6: payload length), its sequence number, the flags Linux gives it (FIN and
/// PSH on the last only, CWR on the first only) and a complete TCP checksum. Nothing is allocated.
/// </summary>
public static class TcpSegmentation
{
    private const byte Fin = 0x01, Psh = 0x08, Cwr = 0x80;

    /// <summary>
    /// How <paramref name="superFrame"/> splits, or null when it is not a TCP super-frame this can split (TCP over IPv6
    /// right after the fixed header: Linux's TSO frames carry no extension headers).
    /// </summary>
    public static TcpSegmentPlan? Plan(Packet superFrame)
    {
        ArgumentNullException.ThrowIfNull(superFrame);
        ref readonly var offload = ref superFrame.Offload;
        var frame = superFrame.Data;
        int gso = offload.GsoType & ~VirtioNetHeader.GsoEcn;
        int ipOffset, tcpOffset;
        if (offload.GsoSize == 0)
        {
            return null;
        }
        if (gso == VirtioNetHeader.GsoTcpV4 && Ipv4Fields.Read(frame, out var fields) == Ipv4FieldsResult.Ipv4 &&
            fields.Protocol == Ipv4Header.ProtocolTcp && !fields.IsLaterFragment)
        {
            (ipOffset, tcpOffset) = (fields.IpOffset, fields.TransportOffset);
        }
        else if (gso == VirtioNetHeader.GsoTcpV6 && Ipv6Offset(frame) is int offset && frame.Length >= offset + Ipv6Header.Size + 20 &&
            Ipv6Header.NextHeader(frame[offset..]) == Ipv6Header.ProtocolTcp)
        {
            (ipOffset, tcpOffset) = (offset, offset + Ipv6Header.Size);
        }
        else
        {
            return null;
        }
        int tcpHeader = (frame[tcpOffset + 12] >> 4) * 4;
        int headerLength = tcpOffset + tcpHeader;
        if (tcpHeader < 20 || headerLength > frame.Length)
        {
            return null;
        }
        int payload = frame.Length - headerLength;
        int size = offload.GsoSize;
        return new TcpSegmentPlan(ipOffset, tcpOffset, headerLength, size, payload, Math.Max(1, (payload + size - 1) / size), gso == VirtioNetHeader.GsoTcpV6);
    }

    // Where the IPv6 header of an untagged or once-tagged Ethernet frame starts; null when it carries no IPv6.
    private static int? Ipv6Offset(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetHeader.Size + EthernetHeader.VlanTagSize)
        {
            return null;
        }
        ushort type = EthernetHeader.Type(frame);
        int offset = EthernetHeader.Size;
        if (type == EthernetHeader.TypeVlan)
        {
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetHeader.Size + 2)..]);
            offset += EthernetHeader.VlanTagSize;
        }
        return type == EthernetHeader.TypeIpv6 ? offset : null;
    }

    /// <summary>The length of segment <paramref name="index"/>'s frame: the headers and its slice of the payload.</summary>
    public static int SegmentLength(in TcpSegmentPlan plan, int index) =>
        plan.HeaderLength + Math.Min(plan.SegmentSize, plan.PayloadLength - (index * plan.SegmentSize));

    /// <summary>
    /// Writes segment <paramref name="index"/> of <paramref name="superFrame"/> at the start of <paramref name="destination"/>
    /// (at least <see cref="SegmentLength"/> bytes); returns its length.
    /// </summary>
    public static int Write(Packet superFrame, in TcpSegmentPlan plan, int index, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(superFrame);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, plan.Segments);
        int start = index * plan.SegmentSize;
        int length = Math.Min(plan.SegmentSize, plan.PayloadLength - start);
        var source = superFrame.Data;
        var frame = destination[..(plan.HeaderLength + length)];
        source[..plan.HeaderLength].CopyTo(frame);
        source.Slice(plan.HeaderLength + start, length).CopyTo(frame[plan.HeaderLength..]);

        var ip = frame[plan.IpOffset..];
        if (plan.Ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv6Header.PayloadLengthOffset..], (ushort)(plan.HeaderLength - plan.TcpOffset + length));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.TotalLengthOffset..], (ushort)(plan.HeaderLength - plan.IpOffset + length));
            BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.IdentificationOffset..], (ushort)(Ipv4Header.Identification(ip) + index));
            Ipv4Header.UpdateChecksum(ip);
        }

        var tcp = frame[plan.TcpOffset..];
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]) + (uint)start);
        if (index < plan.Segments - 1)
        {
            tcp[13] &= unchecked((byte)~(Fin | Psh));
        }
        if (index > 0)
        {
            tcp[13] &= unchecked((byte)~Cwr);
        }
        int tcpLength = plan.HeaderLength - plan.TcpOffset + length;
        tcp[16] = 0;
        tcp[17] = 0;
        uint pseudo = plan.Ipv6
            ? Checksum.PseudoHeaderSum(Ipv6Header.Source(ip), Ipv6Header.Destination(ip), Ipv6Header.ProtocolTcp, tcpLength)
            : Checksum.PseudoHeaderSum(Ipv4Header.Source(ip), Ipv4Header.Destination(ip), Ipv4Header.ProtocolTcp, tcpLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Compute(tcp[..tcpLength], pseudo));
        return frame.Length;
    }
}

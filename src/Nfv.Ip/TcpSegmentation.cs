using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// Where a TCP/IPv4 GSO super-frame's headers end and how it splits (<see cref="TcpSegmentation.Plan"/>).
/// </summary>
/// <param name="IpOffset">Where the IPv4 header starts (after Ethernet and any VLAN tag).</param>
/// <param name="TcpOffset">Where the TCP header starts.</param>
/// <param name="HeaderLength">The bytes every segment repeats: Ethernet, IPv4 and TCP headers.</param>
/// <param name="SegmentSize">Payload bytes per segment (the MSS the sender chose).</param>
/// <param name="PayloadLength">The super-frame's payload bytes.</param>
/// <param name="Segments">How many segments it makes.</param>
public readonly record struct TcpSegmentPlan(int IpOffset, int TcpOffset, int HeaderLength, int SegmentSize, int PayloadLength, int Segments);

/// <summary>
/// TCP segmentation in software, for a TCP/IPv4 super-frame (up to 64 KB from a lab host's TAP, its checksum partial)
/// that must leave where no device segments it (a VXLAN tunnel's UDP socket): each segment, written where the caller says, gets the headers, its slice
/// of the payload, its own IPv4 total length, identification and checksum, its sequence number, the flags Linux gives
/// it (FIN and PSH on the last only, CWR on the first only) and a complete TCP checksum. Nothing is allocated.
/// </summary>
public static class TcpSegmentation
{
    private const byte Fin = 0x01, Psh = 0x08, Cwr = 0x80;

    /// <summary>How <paramref name="superFrame"/> splits, or null when it is not a TCP/IPv4 super-frame this can split.</summary>
    public static TcpSegmentPlan? Plan(Packet superFrame)
    {
        ArgumentNullException.ThrowIfNull(superFrame);
        ref readonly var offload = ref superFrame.Offload;
        if ((offload.GsoType & ~VirtioNetHeader.GsoEcn) != VirtioNetHeader.GsoTcpV4 || offload.GsoSize == 0 ||
            Ipv4Fields.Read(superFrame.Data, out var fields) != Ipv4FieldsResult.Ipv4 || fields.Protocol != Ipv4Header.ProtocolTcp ||
            fields.IsLaterFragment)
        {
            return null;
        }
        var frame = superFrame.Data;
        int tcpHeader = (frame[fields.TransportOffset + 12] >> 4) * 4;
        int headerLength = fields.TransportOffset + tcpHeader;
        if (tcpHeader < 20 || headerLength > frame.Length)
        {
            return null;
        }
        int payload = frame.Length - headerLength;
        int size = offload.GsoSize;
        return new TcpSegmentPlan(fields.IpOffset, fields.TransportOffset, headerLength, size, payload, Math.Max(1, (payload + size - 1) / size));
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
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.TotalLengthOffset..], (ushort)(plan.HeaderLength - plan.IpOffset + length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.IdentificationOffset..], (ushort)(Ipv4Header.Identification(ip) + index));
        Ipv4Header.UpdateChecksum(ip);

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
        uint pseudo = Checksum.PseudoHeaderSum(Ipv4Header.Source(ip), Ipv4Header.Destination(ip), Ipv4Header.ProtocolTcp, tcpLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Compute(tcp[..tcpLength], pseudo));
        return frame.Length;
    }
}

using System.Buffers.Binary;

namespace Nfv.Ip.Headers;

/// <summary>
/// The UDP header (RFC 768), read in place. Methods take the span starting at the UDP header.
/// </summary>
/// <remarks>
/// <code>
///  0      7 8     15 16    23 24    31
/// +--------+--------+--------+--------+
/// |   Source Port   |  Destination    |
/// |                 |      Port       |
/// +--------+--------+--------+--------+
/// |     Length      |    Checksum     |
/// +--------+--------+--------+--------+
/// </code>
/// The checksum covers the IPv4 pseudo-header (<see cref="Checksum.PseudoHeaderSum(Ipv4Address, Ipv4Address, byte, int)"/>), the header and the data;
/// 0 means none was computed.
/// </remarks>
public static class UdpHeader
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 8;

    /// <summary>Offset of the checksum.</summary>
    public const int ChecksumOffset = 6;

    /// <summary>The source port.</summary>
    public static ushort SourcePort(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp);

    /// <summary>The destination port.</summary>
    public static ushort DestinationPort(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);

    /// <summary>The length field (header and data).</summary>
    public static int Length(ReadOnlySpan<byte> udp) => BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
}

using System.Buffers.Binary;

namespace Nfv.Ip.Headers;

/// <summary>
/// The IPv4 header (RFC 791 §3.1), read and written in place. Every method takes the span starting at the
/// first byte of the IP header (after the Ethernet header).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |Type of Service|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Options                    |    Padding    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments); the fragment offset counts
/// 8-byte units.
/// </remarks>
public static class Ipv4Header
{
    /// <summary>Bytes of a header without options.</summary>
    public const int MinSize = 20;

    /// <summary>Offset of the total length.</summary>
    public const int TotalLengthOffset = 2;
    /// <summary>Offset of the identification.</summary>
    public const int IdentificationOffset = 4;
    /// <summary>Offset of the flags and fragment offset word.</summary>
    public const int FragmentOffset = 6;
    /// <summary>Offset of the TTL.</summary>
    public const int TtlOffset = 8;
    /// <summary>Offset of the protocol.</summary>
    public const int ProtocolOffset = 9;
    /// <summary>Offset of the header checksum.</summary>
    public const int ChecksumOffset = 10;
    /// <summary>Offset of the source address.</summary>
    public const int SourceOffset = 12;
    /// <summary>Offset of the destination address.</summary>
    public const int DestinationOffset = 16;

    /// <summary>DF in the flags/fragment word.</summary>
    public const ushort DontFragment = 0x4000;
    /// <summary>MF in the flags/fragment word.</summary>
    public const ushort MoreFragments = 0x2000;
    /// <summary>The fragment offset bits of the flags/fragment word.</summary>
    public const ushort OffsetMask = 0x1FFF;

    /// <summary>Protocol number of ICMP.</summary>
    public const byte ProtocolIcmp = 1;
    /// <summary>Protocol number of TCP.</summary>
    public const byte ProtocolTcp = 6;
    /// <summary>Protocol number of UDP.</summary>
    public const byte ProtocolUdp = 17;

    /// <summary>The version field (4 for IPv4).</summary>
    public static int Version(ReadOnlySpan<byte> ip) => ip[0] >> 4;

    /// <summary>The header length in bytes (IHL × 4).</summary>
    public static int HeaderLength(ReadOnlySpan<byte> ip) => (ip[0] & 0x0F) << 2;

    /// <summary>The total length (header and data) in bytes.</summary>
    public static int TotalLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[TotalLengthOffset..]);

    /// <summary>The identification.</summary>
    public static ushort Identification(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[IdentificationOffset..]);

    /// <summary>The flags and fragment offset word.</summary>
    public static ushort FragmentWord(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[FragmentOffset..]);

    /// <summary>True when DF is set.</summary>
    public static bool IsDontFragment(ReadOnlySpan<byte> ip) => (FragmentWord(ip) & DontFragment) != 0;

    /// <summary>True for a fragment: MF set or a non-zero offset.</summary>
    public static bool IsFragment(ReadOnlySpan<byte> ip) => (FragmentWord(ip) & (MoreFragments | OffsetMask)) != 0;

    /// <summary>True for a fragment other than the first (non-zero offset).</summary>
    public static bool IsLaterFragment(ReadOnlySpan<byte> ip) => (FragmentWord(ip) & OffsetMask) != 0;

    /// <summary>The time to live.</summary>
    public static byte Ttl(ReadOnlySpan<byte> ip) => ip[TtlOffset];

    /// <summary>The protocol.</summary>
    public static byte Protocol(ReadOnlySpan<byte> ip) => ip[ProtocolOffset];

    /// <summary>The header checksum as stored.</summary>
    public static ushort StoredChecksum(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[ChecksumOffset..]);

    /// <summary>The source address.</summary>
    public static Ipv4Address Source(ReadOnlySpan<byte> ip) => Ipv4Address.Read(ip[SourceOffset..]);

    /// <summary>The destination address.</summary>
    public static Ipv4Address Destination(ReadOnlySpan<byte> ip) => Ipv4Address.Read(ip[DestinationOffset..]);

    /// <summary>True when the header (IHL × 4 bytes, checksum included) sums to 0xFFFF.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> ip)
    {
        int length = HeaderLength(ip);
        if (length != MinSize || ip.Length < MinSize)
        {
            return Checksum.IsValid(ip[..length]);
        }
        // The common 20-byte header: five 32-bit words summed in 64 bits, then folded (RFC 1071 §2 (B): the sum may be
        // taken in any word size and folded). About a third of the generic loop's cost.
        ulong sum = (ulong)BinaryPrimitives.ReadUInt32BigEndian(ip) + BinaryPrimitives.ReadUInt32BigEndian(ip[4..])
            + BinaryPrimitives.ReadUInt32BigEndian(ip[8..]) + BinaryPrimitives.ReadUInt32BigEndian(ip[12..])
            + BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        return Checksum.Fold((uint)((sum & 0xFFFF) + (sum >> 16))) == 0xFFFF;
    }

    /// <summary>Computes and stores the header checksum over IHL × 4 bytes.</summary>
    public static void UpdateChecksum(Span<byte> ip)
    {
        BinaryPrimitives.WriteUInt16BigEndian(ip[ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[ChecksumOffset..], Checksum.Compute(ip[..HeaderLength(ip)]));
    }

    /// <summary>
    /// Decrements the TTL and patches the header checksum incrementally (RFC 1624 §3; the TTL shares its 16-bit
    /// word with the protocol, RFC 1812 §5.3.1 suggests exactly this update). The caller checks TTL &gt; 1 first.
    /// </summary>
    public static void DecrementTtl(Span<byte> ip)
    {
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(ip[TtlOffset..]);
        ushort newWord = (ushort)(oldWord - 0x0100);
        ip[TtlOffset] = (byte)(newWord >> 8);
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(ip[ChecksumOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[ChecksumOffset..], Checksum.Update(checksum, oldWord, newWord));
    }

    /// <summary>
    /// Checks a received header (RFC 1812 §5.2.2): room for it, version 4, a header length of at least 20 bytes within
    /// the total length, the total length within <paramref name="ip"/> (which may carry Ethernet padding after it),
    /// and the checksum.
    /// </summary>
    public static Ipv4HeaderCheck Check(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < MinSize)
        {
            return Ipv4HeaderCheck.Truncated;
        }
        if (Version(ip) != 4)
        {
            return Ipv4HeaderCheck.BadVersion;
        }
        int headerLength = HeaderLength(ip);
        int total = TotalLength(ip);
        if (headerLength < MinSize || total < headerLength)
        {
            return Ipv4HeaderCheck.BadHeaderLength;
        }
        if (total > ip.Length)
        {
            return Ipv4HeaderCheck.Truncated;
        }
        return IsChecksumValid(ip) ? Ipv4HeaderCheck.Valid : Ipv4HeaderCheck.BadChecksum;
    }

    /// <summary>
    /// Writes a 20-byte header without options and its checksum: DF clear, identification as given.
    /// </summary>
    public static void Write(Span<byte> ip, int totalLength, ushort identification, byte ttl, byte protocol,
        Ipv4Address source, Ipv4Address destination, byte tos = 0, ushort fragmentWord = 0)
    {
        ip[0] = 0x45;
        ip[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(ip[TotalLengthOffset..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[IdentificationOffset..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FragmentOffset..], fragmentWord);
        ip[TtlOffset] = ttl;
        ip[ProtocolOffset] = protocol;
        source.Write(ip[SourceOffset..]);
        destination.Write(ip[DestinationOffset..]);
        UpdateChecksum(ip);
    }
}

/// <summary>What <see cref="Ipv4Header.Check"/> found.</summary>
public enum Ipv4HeaderCheck
{
    /// <summary>A well-formed header.</summary>
    Valid = 0,
    /// <summary>Shorter than 20 bytes, or than the total length says.</summary>
    Truncated = 1,
    /// <summary>The version is not 4.</summary>
    BadVersion = 2,
    /// <summary>IHL below 5, or beyond the total length.</summary>
    BadHeaderLength = 3,
    /// <summary>The header checksum is wrong.</summary>
    BadChecksum = 4,
}

using System.Buffers.Binary;

namespace Nfv.Ip.Headers;

/// <summary>
/// ICMPv6 (RFC 4443) and neighbour discovery (RFC 4861) numbers, and the ICMPv6 checksum, which covers an IPv6
/// pseudo-header. Methods take the span starting at the ICMPv6 header.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  errors: unused, the MTU (packet too big) or a pointer;       |
/// |  echo: identifier, sequence; ND: flags and fields             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  errors: as much of the offending packet as fits 1280 bytes   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Types below 128 are errors, 128 and above informational (§2.1).
/// </remarks>
public static class Icmpv6Header
{
    /// <summary>Bytes of the fixed header (type, code, checksum, the 4-byte word after them).</summary>
    public const int Size = 8;

    /// <summary>Destination unreachable.</summary>
    public const byte TypeDestinationUnreachable = 1;
    /// <summary>Packet too big (carries the MTU).</summary>
    public const byte TypePacketTooBig = 2;
    /// <summary>Time exceeded.</summary>
    public const byte TypeTimeExceeded = 3;
    /// <summary>Parameter problem.</summary>
    public const byte TypeParameterProblem = 4;
    /// <summary>Echo request.</summary>
    public const byte TypeEchoRequest = 128;
    /// <summary>Echo reply.</summary>
    public const byte TypeEchoReply = 129;
    /// <summary>Router solicitation (RFC 4861 §4.1).</summary>
    public const byte TypeRouterSolicitation = 133;
    /// <summary>Router advertisement (§4.2).</summary>
    public const byte TypeRouterAdvertisement = 134;
    /// <summary>Neighbour solicitation (§4.3).</summary>
    public const byte TypeNeighborSolicitation = 135;
    /// <summary>Neighbour advertisement (§4.4).</summary>
    public const byte TypeNeighborAdvertisement = 136;
    /// <summary>Redirect (§4.5).</summary>
    public const byte TypeRedirect = 137;

    /// <summary>Destination unreachable: no route.</summary>
    public const byte CodeNoRoute = 0;
    /// <summary>Destination unreachable: address unreachable (neighbour discovery failed).</summary>
    public const byte CodeAddressUnreachable = 3;
    /// <summary>Destination unreachable: port unreachable.</summary>
    public const byte CodePortUnreachable = 4;
    /// <summary>Time exceeded: hop limit exceeded in transit.</summary>
    public const byte CodeHopLimitExceeded = 0;
    /// <summary>Parameter problem: unrecognized next header.</summary>
    public const byte CodeUnrecognizedNextHeader = 1;

    /// <summary>ND option: source link-layer address.</summary>
    public const byte OptionSourceLinkLayer = 1;
    /// <summary>ND option: target link-layer address.</summary>
    public const byte OptionTargetLinkLayer = 2;
    /// <summary>ND option: prefix information.</summary>
    public const byte OptionPrefixInformation = 3;
    /// <summary>ND option: MTU.</summary>
    public const byte OptionMtu = 5;
    /// <summary>ND option: recursive DNS servers (RFC 8106).</summary>
    public const byte OptionRdnss = 25;

    /// <summary>The type.</summary>
    public static byte Type(ReadOnlySpan<byte> icmp) => icmp[0];

    /// <summary>The code.</summary>
    public static byte Code(ReadOnlySpan<byte> icmp) => icmp[1];

    /// <summary>True for error messages (types 0-127).</summary>
    public static bool IsError(byte type) => type < 128;

    /// <summary>True when the checksum of <paramref name="icmp"/> (the whole message) from <paramref name="source"/> to <paramref name="destination"/> is right.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> icmp, Ipv6Address source, Ipv6Address destination) =>
        Checksum.IsValid(icmp, Checksum.PseudoHeaderSum(source, destination, Ipv6Header.ProtocolIcmpv6, icmp.Length));

    /// <summary>Computes and stores the checksum of <paramref name="icmp"/> (the whole message).</summary>
    public static void UpdateChecksum(Span<byte> icmp, Ipv6Address source, Ipv6Address destination)
    {
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..],
            Checksum.Compute(icmp, Checksum.PseudoHeaderSum(source, destination, Ipv6Header.ProtocolIcmpv6, icmp.Length)));
    }
}

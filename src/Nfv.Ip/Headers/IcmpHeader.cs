using System.Buffers.Binary;

namespace Nfv.Ip.Headers;

/// <summary>
/// The ICMP header (RFC 792), read and written in place. Methods take the span starting at the ICMP header.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  echo: Identifier / Sequence; errors: unused, or RFC 1191 MTU |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  echo: data; errors: Internet Header + leading octets of the  |
/// |  original datagram (RFC 1812 §4.3.2.3: as much as fits 576)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Fragmentation needed (type 3 code 4) carries the next-hop MTU in the low 16 bits of the second word
/// (RFC 1191 §4).
/// </remarks>
public static class IcmpHeader
{
    /// <summary>Bytes of the fixed header.</summary>
    public const int Size = 8;

    /// <summary>Echo reply.</summary>
    public const byte TypeEchoReply = 0;
    /// <summary>Destination unreachable.</summary>
    public const byte TypeDestinationUnreachable = 3;
    /// <summary>Source quench (deprecated; still an error message).</summary>
    public const byte TypeSourceQuench = 4;
    /// <summary>Redirect.</summary>
    public const byte TypeRedirect = 5;
    /// <summary>Echo request.</summary>
    public const byte TypeEchoRequest = 8;
    /// <summary>Time exceeded.</summary>
    public const byte TypeTimeExceeded = 11;
    /// <summary>Parameter problem.</summary>
    public const byte TypeParameterProblem = 12;

    /// <summary>Destination unreachable: net.</summary>
    public const byte CodeNetUnreachable = 0;
    /// <summary>Destination unreachable: host.</summary>
    public const byte CodeHostUnreachable = 1;
    /// <summary>Destination unreachable: protocol.</summary>
    public const byte CodeProtocolUnreachable = 2;
    /// <summary>Destination unreachable: port.</summary>
    public const byte CodePortUnreachable = 3;
    /// <summary>Destination unreachable: fragmentation needed and DF set.</summary>
    public const byte CodeFragmentationNeeded = 4;
    /// <summary>Time exceeded: TTL exceeded in transit.</summary>
    public const byte CodeTtlExceeded = 0;

    /// <summary>The type.</summary>
    public static byte Type(ReadOnlySpan<byte> icmp) => icmp[0];

    /// <summary>The code.</summary>
    public static byte Code(ReadOnlySpan<byte> icmp) => icmp[1];

    /// <summary>True for the error messages RFC 1122 §3.2.2 says must never be answered with an ICMP error.</summary>
    public static bool IsError(byte type) =>
        type is TypeDestinationUnreachable or TypeSourceQuench or TypeRedirect or TypeTimeExceeded or TypeParameterProblem;

    /// <summary>Computes and stores the checksum over the whole message (<paramref name="icmp"/> is the message).</summary>
    public static void UpdateChecksum(Span<byte> icmp)
    {
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
    }
}

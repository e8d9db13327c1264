using System.Buffers.Binary;

namespace Nfv.Ip.Headers;

/// <summary>What <c>Ipv6Header.FindUpperLayer</c> found after the extension headers.</summary>
public enum Ipv6ChainResult
{
    /// <summary>An upper-layer header (or No Next Header) was reached within the datagram.</summary>
    Found = 0,
    /// <summary>An extension header runs past the end of the datagram.</summary>
    Truncated = 1,
    /// <summary>More extension headers than <see cref="Ipv6Header.MaxExtensionHeaders"/>, or Hop-by-Hop Options other than first.</summary>
    Malformed = 2,
}

/// <summary>
/// The IPv6 header (RFC 8200 §3), read and written in place, and its extension header chain (§4). Every method takes
/// the span starting at the first byte of the IPv6 header (after the Ethernet header).
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Traffic Class |           Flow Label                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Source Address (128 bits)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |               Destination Address (128 bits)                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// No header checksum: a router changes the hop limit and nothing else. Routers do not fragment (§5); the Fragment
/// header is written by the source only.
/// </remarks>
public static class Ipv6Header
{
    /// <summary>Bytes of the fixed header.</summary>
    public const int Size = 40;

    /// <summary>The smallest MTU every IPv6 link has (RFC 8200 §5).</summary>
    public const int MinimumMtu = 1280;

    /// <summary>Offset of the payload length.</summary>
    public const int PayloadLengthOffset = 4;
    /// <summary>Offset of the next header.</summary>
    public const int NextHeaderOffset = 6;
    /// <summary>Offset of the hop limit.</summary>
    public const int HopLimitOffset = 7;
    /// <summary>Offset of the source address.</summary>
    public const int SourceOffset = 8;
    /// <summary>Offset of the destination address.</summary>
    public const int DestinationOffset = 24;

    /// <summary>Next header: Hop-by-Hop Options.</summary>
    public const byte HopByHop = 0;
    /// <summary>Next header: TCP.</summary>
    public const byte ProtocolTcp = 6;
    /// <summary>Next header: UDP.</summary>
    public const byte ProtocolUdp = 17;
    /// <summary>Next header: Routing.</summary>
    public const byte Routing = 43;
    /// <summary>Next header: Fragment.</summary>
    public const byte Fragment = 44;
    /// <summary>Next header: ESP (its payload is opaque: the chain ends there).</summary>
    public const byte Esp = 50;
    /// <summary>Next header: Authentication Header.</summary>
    public const byte Authentication = 51;
    /// <summary>Next header: ICMPv6.</summary>
    public const byte ProtocolIcmpv6 = 58;
    /// <summary>Next header: none.</summary>
    public const byte NoNextHeader = 59;
    /// <summary>Next header: Destination Options.</summary>
    public const byte DestinationOptions = 60;

    /// <summary>Most extension headers <c>FindUpperLayer</c> walks before calling a chain malformed.</summary>
    public const int MaxExtensionHeaders = 16;

    /// <summary>The version field.</summary>
    public static int Version(ReadOnlySpan<byte> ip) => ip[0] >> 4;

    /// <summary>The payload length: the bytes after the fixed header (0 with a jumbo payload option).</summary>
    public static int PayloadLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[PayloadLengthOffset..]);

    /// <summary>The next header after the fixed header.</summary>
    public static byte NextHeader(ReadOnlySpan<byte> ip) => ip[NextHeaderOffset];

    /// <summary>The hop limit.</summary>
    public static byte HopLimit(ReadOnlySpan<byte> ip) => ip[HopLimitOffset];

    /// <summary>The source address.</summary>
    public static Ipv6Address Source(ReadOnlySpan<byte> ip) => Ipv6Address.Read(ip[SourceOffset..]);

    /// <summary>The destination address.</summary>
    public static Ipv6Address Destination(ReadOnlySpan<byte> ip) => Ipv6Address.Read(ip[DestinationOffset..]);

    /// <summary>Lowers the hop limit by one (nothing else changes: IPv6 has no header checksum).</summary>
    public static void DecrementHopLimit(Span<byte> ip) => ip[HopLimitOffset]--;

    /// <summary>Writes a fixed header: version 6, traffic class and flow label 0.</summary>
    public static void Write(Span<byte> ip, int payloadLength, byte nextHeader, byte hopLimit, Ipv6Address source, Ipv6Address destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6000_0000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[PayloadLengthOffset..], (ushort)payloadLength);
        ip[NextHeaderOffset] = nextHeader;
        ip[HopLimitOffset] = hopLimit;
        source.Write(ip[SourceOffset..]);
        destination.Write(ip[DestinationOffset..]);
    }

    /// <summary>True for the next-header values of extension headers this walk steps over (RFC 8200 §4, and AH).</summary>
    public static bool IsExtensionHeader(byte nextHeader) =>
        nextHeader is HopByHop or Routing or Fragment or DestinationOptions or Authentication;

    /// <summary>
    /// Walks the extension header chain of a datagram (<paramref name="ip"/> ends where its payload ends) to the
    /// upper-layer header: its protocol and offset from the start of <paramref name="ip"/>, and whether a Fragment header
    /// was crossed that is not an atomic fragment's (offset 0, M clear). Bounded: at most
    /// <see cref="MaxExtensionHeaders"/> headers; Hop-by-Hop Options only first (RFC 8200 §4.1).
    /// </summary>
    public static Ipv6ChainResult FindUpperLayer(ReadOnlySpan<byte> ip, out byte protocol, out int offset, out bool fragment) =>
        FindUpperLayer(ip, out protocol, out offset, out fragment, out _);

    /// <summary>
    /// <see cref="FindUpperLayer(ReadOnlySpan{byte}, out byte, out int, out bool)"/>, also giving the offset of the
    /// next-header field that named <paramref name="protocol"/> (the pointer of a parameter problem about it).
    /// </summary>
    public static Ipv6ChainResult FindUpperLayer(ReadOnlySpan<byte> ip, out byte protocol, out int offset, out bool fragment, out int protocolField)
    {
        protocol = NextHeader(ip);
        offset = Size;
        fragment = false;
        protocolField = NextHeaderOffset;
        for (int count = 0; IsExtensionHeader(protocol); count++)
        {
            if (count == MaxExtensionHeaders || (protocol == HopByHop && count != 0))
            {
                return Ipv6ChainResult.Malformed;
            }
            if (offset + 8 > ip.Length)
            {
                return Ipv6ChainResult.Truncated;
            }
            int length = protocol switch
            {
                Fragment => 8,
                Authentication => (ip[offset + 1] + 2) * 4, // RFC 4302: in 4-byte units, minus 2
                _ => (ip[offset + 1] + 1) * 8,
            };
            if (protocol == Fragment && (BinaryPrimitives.ReadUInt16BigEndian(ip[(offset + 2)..]) & 0xFFF9) != 0)
            {
                fragment = true; // a fragment offset or the M flag: a piece of a larger datagram
            }
            if (offset + length > ip.Length)
            {
                return Ipv6ChainResult.Truncated;
            }
            protocol = ip[offset];
            protocolField = offset;
            offset += length;
        }
        return Ipv6ChainResult.Found;
    }
}

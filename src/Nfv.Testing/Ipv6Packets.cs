using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Testing;

/// <summary>
/// Builds IPv6, ICMPv6 and neighbour discovery frames by hand for router tests (own checksum code, not the code under
/// test's), and reads the fields tests assert on.
/// </summary>
public static class Ipv6Packets
{
    /// <summary>ICMPv6's next-header number.</summary>
    public const byte Icmpv6 = 58;

    /// <summary>
    /// An Ethernet + IPv6 frame carrying <paramref name="payload"/> after <paramref name="nextHeader"/>. When the payload
    /// is ICMPv6, UDP or TCP itself (no extension header), its checksum is computed over the pseudo-header.
    /// </summary>
    public static byte[] Ip(MacAddress dstMac, MacAddress srcMac, string src, string dst, byte nextHeader, byte[] payload, byte hopLimit = 64)
    {
        var frame = new byte[14 + 40 + payload.Length];
        dstMac.Write(frame);
        srcMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x86DD);
        var ip = frame.AsSpan(14);
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)payload.Length);
        ip[6] = nextHeader;
        ip[7] = hopLimit;
        Ipv6Address.Parse(src).Write(ip[8..]);
        Ipv6Address.Parse(dst).Write(ip[24..]);
        payload.CopyTo(ip[40..]);
        int checksumAt = nextHeader switch { Icmpv6 => 2, 17 => 6, 6 => 16, _ => -1 };
        if (checksumAt >= 0 && payload.Length >= checksumAt + 2)
        {
            var upper = ip[40..];
            upper[checksumAt] = 0;
            upper[checksumAt + 1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(upper[checksumAt..], Checksum(ip, upper, nextHeader));
        }
        return frame;
    }

    /// <summary>True when the ICMPv6, UDP or TCP checksum of an IPv6 frame (upper layer right after the fixed header) is right.</summary>
    public static bool ChecksumOk(byte[] frame)
    {
        var ip = frame.AsSpan(14);
        return Checksum(ip, ip.Slice(40, BinaryPrimitives.ReadUInt16BigEndian(ip[4..])), ip[6]) == 0;
    }

    /// <summary>An ICMPv6 echo request (type 128) with <paramref name="dataLength"/> bytes 0, 1, 2, ...; checksum by <see cref="Ip"/>.</summary>
    public static byte[] EchoRequest(ushort ident = 7, ushort seq = 1, int dataLength = 32)
    {
        var icmp = new byte[8 + dataLength];
        icmp[0] = 128;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), ident);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), seq);
        for (int i = 0; i < dataLength; i++)
        {
            icmp[8 + i] = (byte)i;
        }
        return icmp;
    }

    /// <summary>A neighbour solicitation for <paramref name="target"/>, with a source link-layer option when <paramref name="sourceMac"/> is given.</summary>
    public static byte[] NeighbourSolicitation(string target, MacAddress? sourceMac) =>
        NeighbourMessage(135, 0, target, 1, sourceMac);

    /// <summary>A neighbour advertisement for <paramref name="target"/> (flags R 0x80, S 0x40, O 0x20 of the first byte), with a target link-layer option when <paramref name="targetMac"/> is given.</summary>
    public static byte[] NeighbourAdvertisement(string target, MacAddress? targetMac, byte flags = 0x60) =>
        NeighbourMessage(136, flags, target, 2, targetMac);

    /// <summary>A router solicitation, with a source link-layer option when <paramref name="sourceMac"/> is given.</summary>
    public static byte[] RouterSolicitation(MacAddress? sourceMac)
    {
        var icmp = new byte[8 + (sourceMac is null ? 0 : 8)];
        icmp[0] = 133;
        if (sourceMac is { } mac)
        {
            icmp[8] = 1;
            icmp[9] = 1;
            mac.Write(icmp.AsSpan(10));
        }
        return icmp;
    }

    /// <summary>The solicited-node group of <paramref name="address"/> as text (ff02::1:ffXX:XXXX).</summary>
    public static string SolicitedNode(string address) => Ipv6Address.Parse(address).SolicitedNode.ToString();

    /// <summary>The Ethernet group of an IPv6 group address (33:33 and its last four bytes).</summary>
    public static MacAddress GroupMac(string group) => Ipv6Address.Parse(group).MulticastMac;

    /// <summary>The source address.</summary>
    public static string Src(byte[] frame) => Ipv6Address.Read(frame.AsSpan(14 + 8)).ToString();

    /// <summary>The destination address.</summary>
    public static string Dst(byte[] frame) => Ipv6Address.Read(frame.AsSpan(14 + 24)).ToString();

    /// <summary>The hop limit.</summary>
    public static byte HopLimit(byte[] frame) => frame[14 + 7];

    /// <summary>The next header after the fixed header.</summary>
    public static byte NextHeader(byte[] frame) => frame[14 + 6];

    /// <summary>What follows the fixed header.</summary>
    public static ReadOnlySpan<byte> Payload(byte[] frame) => frame.AsSpan(14 + 40);

    private static byte[] NeighbourMessage(byte type, byte flags, string target, byte optionType, MacAddress? mac)
    {
        var icmp = new byte[24 + (mac is null ? 0 : 8)];
        icmp[0] = type;
        icmp[4] = flags;
        Ipv6Address.Parse(target).Write(icmp.AsSpan(8));
        if (mac is { } m)
        {
            icmp[24] = optionType;
            icmp[25] = 1;
            m.Write(icmp.AsSpan(26));
        }
        return icmp;
    }

    // RFC 8200 §8.1: the sum over source, destination, upper-layer length, next header, then the upper layer.
    private static ushort Checksum(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> upper, byte nextHeader)
    {
        var pseudo = new byte[40 + upper.Length];
        ip.Slice(8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)upper.Length);
        pseudo[39] = nextHeader;
        upper.CopyTo(pseudo.AsSpan(40));
        return IpPackets.Sum(pseudo);
    }
}

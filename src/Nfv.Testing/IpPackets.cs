using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Testing;

/// <summary>Builds IPv4, ICMP, UDP, TCP and ARP frames by hand for the router and NAT tests (own checksum code, not the code under test's).</summary>
public static class IpPackets
{
    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>: the one's complement of its one's-complement sum.</summary>
    public static ushort Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8 | data[i + 1]);
        }
        if ((data.Length & 1) != 0)
        {
            sum += (uint)data[^1] << 8;
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    /// <summary>True when <paramref name="data"/>, its checksum field included, sums to zero: the checksum is right.</summary>
    public static bool ChecksumOk(ReadOnlySpan<byte> data) => Sum(data) == 0;

    /// <summary>An Ethernet + IPv4 frame carrying <paramref name="l4"/>.</summary>
    public static byte[] Ip(MacAddress dstMac, MacAddress srcMac, string src, string dst, byte protocol, byte[] l4,
        byte ttl = 64, bool df = false, ushort id = 0x1234, ushort fragmentWord = 0, byte[]? options = null)
    {
        int ihl = 20 + (options?.Length ?? 0);
        var frame = new byte[14 + ihl + l4.Length];
        dstMac.Write(frame);
        srcMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(14);
        ip[0] = (byte)(0x40 | (ihl / 4));
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ihl + l4.Length));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)(fragmentWord | (df ? 0x4000 : 0)));
        ip[8] = ttl;
        ip[9] = protocol;
        Ipv4Address.Parse(src).Write(ip[12..]);
        Ipv4Address.Parse(dst).Write(ip[16..]);
        options?.CopyTo(ip[20..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Sum(ip[..ihl]));
        l4.CopyTo(ip[ihl..]);
        return frame;
    }

    /// <summary>An ICMP echo request (type 8) with <paramref name="dataLength"/> bytes 0, 1, 2, ... and its checksum.</summary>
    public static byte[] EchoRequest(ushort ident = 7, ushort seq = 1, int dataLength = 32)
    {
        var icmp = new byte[8 + dataLength];
        icmp[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(4), ident);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(6), seq);
        for (int i = 0; i < dataLength; i++)
        {
            icmp[8 + i] = (byte)i;
        }
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), Sum(icmp));
        return icmp;
    }

    /// <summary>An ICMP error of <paramref name="type"/> and <paramref name="code"/> quoting 28 zero bytes, with its checksum.</summary>
    public static byte[] IcmpError(byte type, byte code)
    {
        var icmp = new byte[8 + 28];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), Sum(icmp));
        return icmp;
    }

    /// <summary>A UDP datagram from <paramref name="srcPort"/> to <paramref name="dstPort"/> with <paramref name="dataLength"/> bytes; checksum zero (see <see cref="WithL4Checksum"/>).</summary>
    public static byte[] Udp(ushort srcPort, ushort dstPort, int dataLength = 20)
    {
        var udp = new byte[8 + dataLength];
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        for (int i = 0; i < dataLength; i++)
        {
            udp[8 + i] = (byte)(i * 3);
        }
        return udp;
    }

    /// <summary>A TCP segment: 20-byte header (data offset 5) and <paramref name="dataLength"/> bytes.</summary>
    public static byte[] Tcp(int dataLength, ushort srcPort = 40000, ushort dstPort = 5201, byte flags = 0x10)
    {
        var tcp = new byte[20 + dataLength];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), dstPort);
        tcp[12] = 0x50;
        tcp[13] = flags;
        for (int i = 0; i < dataLength; i++)
        {
            tcp[20 + i] = (byte)i;
        }
        return tcp;
    }

    /// <summary>An ARP frame (<paramref name="op"/> 1 request, 2 reply) to <paramref name="dstMac"/>, from <paramref name="senderMac"/>.</summary>
    public static byte[] Arp(ushort op, MacAddress dstMac, MacAddress senderMac, string senderIp, MacAddress targetMac, string targetIp)
    {
        var frame = new byte[42];
        dstMac.Write(frame);
        senderMac.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0806);
        var a = frame.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);
        BinaryPrimitives.WriteUInt16BigEndian(a[2..], 0x0800);
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], op);
        senderMac.Write(a[8..]);
        Ipv4Address.Parse(senderIp).Write(a[14..]);
        targetMac.Write(a[18..]);
        Ipv4Address.Parse(targetIp).Write(a[24..]);
        return frame;
    }

    /// <summary>
    /// Computes and stores the TCP or UDP checksum of <paramref name="frame"/> (pseudo-header included; RFC 793, 768),
    /// or the ICMP checksum; returns the frame.
    /// </summary>
    public static byte[] WithL4Checksum(byte[] frame)
    {
        var ip = frame.AsSpan(14);
        int ihl = Ihl(frame);
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        byte protocol = ip[9];
        var l4 = ip[ihl..total];
        int field = protocol switch { 6 => 16, 17 => 6, _ => 2 };
        if (l4.Length < field + 2)
        {
            return frame;
        }
        l4[field] = l4[field + 1] = 0;
        byte[] summed;
        if (protocol is 6 or 17)
        {
            summed = new byte[12 + l4.Length];
            ip.Slice(12, 8).CopyTo(summed);
            summed[9] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(summed.AsSpan(10), (ushort)l4.Length);
            l4.CopyTo(summed.AsSpan(12));
        }
        else
        {
            summed = l4.ToArray();
        }
        ushort sum = Sum(summed);
        BinaryPrimitives.WriteUInt16BigEndian(l4[field..], protocol == 17 && sum == 0 ? (ushort)0xFFFF : sum);
        return frame;
    }

    /// <summary>The IPv4 packet of an untagged Ethernet frame.</summary>
    public static Span<byte> IpOf(byte[] frame) => frame.AsSpan(14);

    /// <summary>The frame's IPv4 TTL.</summary>
    public static byte Ttl(byte[] frame) => frame[14 + 8];

    /// <summary>The frame's IPv4 source address, dotted.</summary>
    public static string Src(byte[] frame) => Ipv4Address.Read(frame.AsSpan(14 + 12)).ToString();

    /// <summary>The frame's IPv4 destination address, dotted.</summary>
    public static string Dst(byte[] frame) => Ipv4Address.Read(frame.AsSpan(14 + 16)).ToString();

    /// <summary>The frame's IPv4 header length in bytes.</summary>
    public static int Ihl(byte[] frame) => (frame[14] & 0xF) * 4;

    /// <summary>What follows the frame's IPv4 header (to the end of the frame).</summary>
    public static ReadOnlySpan<byte> L4(byte[] frame) => frame.AsSpan(14 + Ihl(frame));

    /// <summary>True when the frame's IPv4 header checksum is right.</summary>
    public static bool IpChecksumOk(byte[] frame) => ChecksumOk(frame.AsSpan(14, Ihl(frame)));
}

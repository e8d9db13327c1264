using System.Buffers.Binary;
using System.Net;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using PacketDotNet;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>
/// Builds client messages byte by byte (independently of the server's own parser) and decodes the server's replies
/// with PacketDotNet, so every test checks the server against a second implementation of the wire format.
/// </summary>
internal static class DhcpFrames
{
    public const byte Discover = 1, Request = 3, Decline = 4, Release = 7, Inform = 8;

    /// <summary>A client message in an Ethernet/IPv4/UDP frame, with correct checksums.</summary>
    public static byte[] Client(byte type, MacAddress mac, uint xid = 0x1234, Ipv4Address ciaddr = default, Ipv4Address giaddr = default,
        bool broadcast = false, IEnumerable<(byte Code, byte[] Value)>? options = null, MacAddress? ethernetSource = null,
        MacAddress? ethernetDestination = null, Ipv4Address? ipSource = null, Ipv4Address? ipDestination = null, int padTo = 0,
        ushort sourcePort = 68)
    {
        var span = new byte[240];
        span[0] = 1;
        span[1] = 1;
        span[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(span.AsSpan(4), xid);
        BinaryPrimitives.WriteUInt16BigEndian(span.AsSpan(10), broadcast ? (ushort)0x8000 : (ushort)0);
        ciaddr.Write(span.AsSpan(12));
        giaddr.Write(span.AsSpan(24));
        mac.Write(span.AsSpan(28));
        BinaryPrimitives.WriteUInt32BigEndian(span.AsSpan(236), 0x63825363);
        var bytes = new List<byte>(span) { 53, 1, type };
        foreach (var (code, value) in options ?? [])
        {
            bytes.Add(code);
            bytes.Add((byte)value.Length);
            bytes.AddRange(value);
        }
        bytes.Add(255);
        while (bytes.Count < padTo)
        {
            bytes.Add(0);
        }
        return Udp([.. bytes], ethernetSource ?? mac, ethernetDestination ?? MacAddress.Broadcast,
            ipSource ?? (giaddr.Value != 0 ? giaddr : ciaddr), ipDestination ?? new Ipv4Address(uint.MaxValue), sourcePort, 67);
    }

    /// <summary>Wraps <paramref name="payload"/> in UDP/IPv4/Ethernet with correct checksums.</summary>
    public static byte[] Udp(byte[] payload, MacAddress source, MacAddress destination, Ipv4Address ipSource, Ipv4Address ipDestination,
        ushort sourcePort, ushort destinationPort, ushort identification = 1)
    {
        var frame = new byte[14 + 20 + 8 + payload.Length];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        Ipv4Header.Write(frame.AsSpan(14), 28 + payload.Length, identification, 64, 17, ipSource, ipDestination);
        var udp = frame.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        ushort sum = Checksum.Compute(udp, Checksum.PseudoHeaderSum(ipSource, ipDestination, 17, 8 + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], sum == 0 ? (ushort)0xFFFF : sum);
        return frame;
    }

    public static (byte, byte[]) Opt(byte code, params byte[] value) => (code, value);

    public static (byte, byte[]) Address(byte code, string address)
    {
        var bytes = new byte[4];
        Ipv4Address.Parse(address).Write(bytes);
        return (code, bytes);
    }

    /// <summary>Decodes a frame the server sent.</summary>
    public static Reply Decode(byte[] frame)
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, frame);
        var ip = ethernet.Extract<IPv4Packet>();
        var udp = ethernet.Extract<UdpPacket>();
        Assert.True(ip.ValidIPChecksum, "the IPv4 header checksum is wrong");
        Assert.True(udp.ValidUdpChecksum, "the UDP checksum is wrong");
        var dhcp = ethernet.Extract<DhcpV4Packet>();
        Assert.NotNull(dhcp);
        var options = new Dictionary<byte, byte[]>();
        foreach (var option in dhcp.GetOptions())
        {
            options[(byte)option.OptionType] = option.Data;
        }
        return new Reply(MacAddress.Read(frame), ip.SourceAddress, ip.DestinationAddress, udp.DestinationPort, (byte)dhcp.MessageType,
            dhcp.YourAddress, dhcp.ClientAddress, dhcp.Xid, dhcp.Flags, options, frame.Length - 14, (byte)dhcp.Operation, udp.Length - 8);
    }
}

/// <summary>A reply as PacketDotNet reads it.</summary>
internal sealed record Reply(MacAddress EthernetDestination, IPAddress IpSource, IPAddress IpDestination, ushort DestinationPort,
    byte Type, IPAddress YourAddress, IPAddress ClientAddress, uint Xid, ushort Flags, Dictionary<byte, byte[]> Options, int IpLength,
    byte Operation, int MessageLength)
{
    public string Yiaddr => YourAddress.ToString();

    public uint OptionUInt32(byte code) => BinaryPrimitives.ReadUInt32BigEndian(Options[code]);

    public string OptionAddress(byte code, int index = 0) => new IPAddress(Options[code].AsSpan(4 * index, 4)).ToString();
}

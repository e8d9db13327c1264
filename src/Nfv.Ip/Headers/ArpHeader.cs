using System.Buffers.Binary;
using Nfv.Abstractions.Headers;

namespace Nfv.Ip.Headers;

/// <summary>
/// An ARP packet for IPv4 over Ethernet (RFC 826, "Packet format"), read and written in place. Methods take the
/// span starting after the Ethernet header.
/// </summary>
/// <remarks>
/// <code>
///  0               2               4       5       6               8
///  +---------------+---------------+-------+-------+---------------+
///  | hrd (1 = Eth) | pro (0x0800)  |hln (6)|pln (4)| op (1 req/2 rep)
///  +---------------+---------------+-------+-------+---------------+
///  8                       14              18                      24              28
///  +-----------------------+---------------+-----------------------+---------------+
///  | sender hardware (sha) | sender ip(spa)| target hardware (tha) | target ip(tpa)|
///  +-----------------------+---------------+-----------------------+---------------+
/// </code>
/// A gratuitous ARP (RFC 5227 §3) is a request or reply whose sender and target protocol addresses are the same.
/// </remarks>
public static class ArpHeader
{
    /// <summary>Bytes of an Ethernet/IPv4 ARP packet.</summary>
    public const int Size = 28;

    /// <summary>The request operation.</summary>
    public const ushort OperationRequest = 1;
    /// <summary>The reply operation.</summary>
    public const ushort OperationReply = 2;

    /// <summary>Offset of the sender hardware address.</summary>
    public const int SenderMacOffset = 8;
    /// <summary>Offset of the sender protocol address.</summary>
    public const int SenderIpOffset = 14;
    /// <summary>Offset of the target hardware address.</summary>
    public const int TargetMacOffset = 18;
    /// <summary>Offset of the target protocol address.</summary>
    public const int TargetIpOffset = 24;

    /// <summary>True for Ethernet (1) / IPv4 (0x0800) with lengths 6 and 4, at least <see cref="Size"/> bytes.</summary>
    public static bool IsEthernetIpv4(ReadOnlySpan<byte> arp) =>
        arp.Length >= Size &&
        BinaryPrimitives.ReadUInt32BigEndian(arp) == 0x0001_0800u &&
        BinaryPrimitives.ReadUInt16BigEndian(arp[4..]) == 0x0604;

    /// <summary>The operation.</summary>
    public static ushort Operation(ReadOnlySpan<byte> arp) => BinaryPrimitives.ReadUInt16BigEndian(arp[6..]);

    /// <summary>The sender hardware address.</summary>
    public static MacAddress SenderMac(ReadOnlySpan<byte> arp) => MacAddress.Read(arp[SenderMacOffset..]);

    /// <summary>The sender protocol address.</summary>
    public static Ipv4Address SenderIp(ReadOnlySpan<byte> arp) => Ipv4Address.Read(arp[SenderIpOffset..]);

    /// <summary>The target hardware address.</summary>
    public static MacAddress TargetMac(ReadOnlySpan<byte> arp) => MacAddress.Read(arp[TargetMacOffset..]);

    /// <summary>The target protocol address.</summary>
    public static Ipv4Address TargetIp(ReadOnlySpan<byte> arp) => Ipv4Address.Read(arp[TargetIpOffset..]);

    /// <summary>Writes a whole Ethernet/IPv4 ARP packet.</summary>
    public static void Write(Span<byte> arp, ushort operation, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp)
    {
        BinaryPrimitives.WriteUInt32BigEndian(arp, 0x0001_0800u);
        BinaryPrimitives.WriteUInt16BigEndian(arp[4..], 0x0604);
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], operation);
        senderMac.Write(arp[SenderMacOffset..]);
        senderIp.Write(arp[SenderIpOffset..]);
        targetMac.Write(arp[TargetMacOffset..]);
        targetIp.Write(arp[TargetIpOffset..]);
    }
}

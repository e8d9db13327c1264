using System.Buffers.Binary;

namespace Nfv.Abstractions.Headers;

/// <summary>
/// The Ethernet II header and the 802.1Q tag (IEEE 802.1Q-2018 §9.6), read in place.
/// </summary>
/// <remarks>
/// <code>
///  0                 6                 12      14
///  +-----------------+-----------------+-------+
///  |   destination   |     source      | type  |          untagged
///  +-----------------+-----------------+-------+-------+-------+
///  |   destination   |     source      | 8100  |PCP|D|VID| type  |   802.1Q tagged
///  +-----------------+-----------------+-------+-------+-------+
/// </code>
/// </remarks>
public static class EthernetHeader
{
    /// <summary>Bytes of an untagged header.</summary>
    public const int Size = 14;

    /// <summary>Bytes of an 802.1Q tag.</summary>
    public const int VlanTagSize = 4;

    /// <summary>Offset of the EtherType (or TPID) field.</summary>
    public const int TypeOffset = 12;

    /// <summary>EtherType of IPv4.</summary>
    public const ushort TypeIpv4 = 0x0800;
    /// <summary>EtherType of ARP.</summary>
    public const ushort TypeArp = 0x0806;
    /// <summary>EtherType of IPv6.</summary>
    public const ushort TypeIpv6 = 0x86DD;
    /// <summary>TPID of an 802.1Q tag.</summary>
    public const ushort TypeVlan = 0x8100;
    /// <summary>TPID of an 802.1ad (QinQ) service tag.</summary>
    public const ushort TypeQinQ = 0x88A8;

    /// <summary>The destination address.</summary>
    public static MacAddress Destination(ReadOnlySpan<byte> frame) => MacAddress.Read(frame);

    /// <summary>The source address.</summary>
    public static MacAddress Source(ReadOnlySpan<byte> frame) => MacAddress.Read(frame[6..]);

    /// <summary>The EtherType, or the TPID when tagged.</summary>
    public static ushort Type(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[TypeOffset..]);

    /// <summary>The 12-bit VLAN id of a tagged frame.</summary>
    public static int VlanId(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF;

    /// <summary>
    /// Inserts an 802.1Q tag after the addresses, growing the frame at the front.
    /// False when the packet has no headroom left. Keeps the offload offsets right.
    /// </summary>
    public static bool TryPushVlan(Packet packet, int vlanId, int priority = 0)
    {
        if (!packet.TryPushFront(VlanTagSize))
        {
            return false;
        }
        var frame = packet.Data;
        frame.Slice(VlanTagSize, 12).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], TypeVlan);
        BinaryPrimitives.WriteUInt16BigEndian(frame[14..], (ushort)((priority << 13) | (vlanId & 0x0FFF)));
        packet.Offload.ShiftFrameStart(VlanTagSize);
        return true;
    }

    /// <summary>Removes the outer 802.1Q tag (the frame must be tagged and at least 18 bytes). Keeps the offload offsets right.</summary>
    public static void PopVlan(Packet packet)
    {
        var frame = packet.Data;
        frame[..12].CopyTo(frame[VlanTagSize..]);
        packet.PullFront(VlanTagSize);
        packet.Offload.ShiftFrameStart(-VlanTagSize);
    }
}

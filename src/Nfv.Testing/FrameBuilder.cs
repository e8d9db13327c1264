using System.Buffers.Binary;
using Nfv.Abstractions.Headers;

namespace Nfv.Testing;

/// <summary>
/// Builds Ethernet frames as plain bytes, written out by hand (not with the code under test), so tests can
/// compare a function's output byte for byte.
/// </summary>
public static class FrameBuilder
{
    /// <summary>EtherType of IPv4.</summary>
    public const ushort Ipv4 = 0x0800;

    /// <summary>A locally administered unicast address 02:00:00:00:hh:hh for host number <paramref name="host"/>.</summary>
    public static MacAddress Mac(int host) => new(0x0200_0000_0000UL | (uint)host);

    /// <summary>An untagged frame: 14-byte header and <paramref name="payloadLength"/> bytes of a recognisable pattern.</summary>
    public static byte[] Ethernet(MacAddress destination, MacAddress source, int payloadLength = 46, ushort etherType = Ipv4)
    {
        var frame = new byte[14 + payloadLength];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        FillPayload(frame.AsSpan(14));
        return frame;
    }

    /// <summary>An 802.1Q-tagged frame: 18-byte header and <paramref name="payloadLength"/> bytes of the same pattern as <see cref="Ethernet"/>.</summary>
    public static byte[] Tagged(MacAddress destination, MacAddress source, int vlan, int payloadLength = 46, ushort etherType = Ipv4, int priority = 0) =>
        Tag(Ethernet(destination, source, payloadLength, etherType), vlan, priority);

    /// <summary><paramref name="untagged"/> with an 802.1Q tag inserted after the addresses.</summary>
    public static byte[] Tag(byte[] untagged, int vlan, int priority = 0, ushort tpid = 0x8100)
    {
        var frame = new byte[untagged.Length + 4];
        untagged.AsSpan(0, 12).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), tpid);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), (ushort)((priority << 13) | vlan));
        untagged.AsSpan(12).CopyTo(frame.AsSpan(16));
        return frame;
    }

    /// <summary><paramref name="tagged"/> without its outer tag.</summary>
    public static byte[] Untag(byte[] tagged)
    {
        var frame = new byte[tagged.Length - 4];
        tagged.AsSpan(0, 12).CopyTo(frame);
        tagged.AsSpan(16).CopyTo(frame.AsSpan(12));
        return frame;
    }

    /// <summary>The VLAN id of a tagged frame.</summary>
    public static int VlanOf(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)) & 0x0FFF;

    /// <summary>The PCP (priority) of a tagged frame.</summary>
    public static int PriorityOf(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)) >> 13;

    /// <summary>True when the frame carries an 802.1Q tag.</summary>
    public static bool IsTagged(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x8100;

    private static void FillPayload(Span<byte> payload)
    {
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 7 + 1);
        }
    }
}

using System.Buffers.Binary;

namespace Nfv.Abstractions;

/// <summary>
/// The offload header a TAP opened with IFF_VNET_HDR puts in front of every frame
/// (struct virtio_net_hdr, linux/virtio_net.h). Native (little) endian on the hosts we run on.
/// </summary>
/// <remarks>
/// <code>
///  0      1      2             4             6             8             10
///  +------+------+-------------+-------------+-------------+-------------+
///  |flags | gso  |  hdr_len    |  gso_size   | csum_start  | csum_offset |
///  +------+------+-------------+-------------+-------------+-------------+
/// </code>
/// <c>csum_start</c> and <c>hdr_len</c> count from the first byte of the Ethernet header, so a
/// function that moves the start of the frame (pushing or popping a VLAN tag) must shift them
/// with <see cref="ShiftFrameStart"/>.
/// </remarks>
public struct VirtioNetHeader : IEquatable<VirtioNetHeader>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Size = 10;

    /// <summary>VIRTIO_NET_HDR_F_NEEDS_CSUM: the L4 checksum holds only the pseudo-header sum.</summary>
    public const byte FlagNeedsChecksum = 1;

    /// <summary>VIRTIO_NET_HDR_F_DATA_VALID: the checksum was verified.</summary>
    public const byte FlagDataValid = 2;

    /// <summary>VIRTIO_NET_HDR_GSO_NONE.</summary>
    public const byte GsoNone = 0;
    /// <summary>VIRTIO_NET_HDR_GSO_TCPV4.</summary>
    public const byte GsoTcpV4 = 1;
    /// <summary>VIRTIO_NET_HDR_GSO_UDP.</summary>
    public const byte GsoUdp = 3;
    /// <summary>VIRTIO_NET_HDR_GSO_TCPV6.</summary>
    public const byte GsoTcpV6 = 4;
    /// <summary>VIRTIO_NET_HDR_GSO_ECN bit, or-ed into the type.</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>Flags (<see cref="FlagNeedsChecksum"/>, <see cref="FlagDataValid"/>).</summary>
    public byte Flags;
    /// <summary>GSO type; <see cref="GsoNone"/> for an ordinary frame.</summary>
    public byte GsoType;
    /// <summary>Length of the headers before the segmented payload.</summary>
    public ushort HeaderLength;
    /// <summary>Payload bytes per segment.</summary>
    public ushort GsoSize;
    /// <summary>Where checksumming starts, from the start of the frame.</summary>
    public ushort ChecksumStart;
    /// <summary>Where the checksum is stored, from <see cref="ChecksumStart"/>.</summary>
    public ushort ChecksumOffset;

    /// <summary>True when the frame is a GSO super-frame.</summary>
    public readonly bool IsGso => (GsoType & ~GsoEcn) != GsoNone;

    /// <summary>True when the L4 checksum is partial.</summary>
    public readonly bool NeedsChecksum => (Flags & FlagNeedsChecksum) != 0;

    /// <summary>Reads a header.</summary>
    public static VirtioNetHeader Read(ReadOnlySpan<byte> source) => new()
    {
        Flags = source[0],
        GsoType = source[1],
        HeaderLength = BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
        GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
        ChecksumStart = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
        ChecksumOffset = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]),
    };

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination[0] = Flags;
        destination[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], ChecksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], ChecksumOffset);
    }

    /// <summary>
    /// Keeps the offsets pointing at the same bytes after the frame start moved by
    /// <paramref name="delta"/> bytes (+4 after pushing a VLAN tag, -4 after popping one).
    /// </summary>
    public void ShiftFrameStart(int delta)
    {
        if (NeedsChecksum)
        {
            ChecksumStart = (ushort)(ChecksumStart + delta);
        }
        if (IsGso)
        {
            HeaderLength = (ushort)(HeaderLength + delta);
        }
    }

    /// <inheritdoc/>
    public readonly bool Equals(VirtioNetHeader other) =>
        Flags == other.Flags && GsoType == other.GsoType && HeaderLength == other.HeaderLength &&
        GsoSize == other.GsoSize && ChecksumStart == other.ChecksumStart && ChecksumOffset == other.ChecksumOffset;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is VirtioNetHeader other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(Flags, GsoType, HeaderLength, GsoSize, ChecksumStart, ChecksumOffset);

    /// <inheritdoc/>
    public override readonly string ToString() =>
        $"flags={Flags} gso={GsoType} hdr_len={HeaderLength} gso_size={GsoSize} csum_start={ChecksumStart} csum_offset={ChecksumOffset}";
}

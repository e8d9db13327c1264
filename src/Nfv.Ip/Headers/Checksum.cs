using System.Buffers.Binary;
using Nfv.Abstractions;

namespace Nfv.Ip.Headers;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of the
/// data taken as 16-bit big-endian words, and its incremental update (RFC 1624).
/// </summary>
/// <remarks>
/// <para>
/// A sum is carried as a <see cref="uint"/> accumulator of 16-bit words and folded at the end
/// (<see cref="Fold"/>), so sums of several pieces (pseudo-header, header, payload) add up before the one
/// fold. An odd-length piece is padded with a zero byte (RFC 1071 §4.1); only the last piece may be odd.
/// </para>
/// <para>
/// RFC 1624 §3, equation 3: when a 16-bit field changes from m to m', the new checksum is
/// <c>HC' = ~(~HC + ~m + m')</c>. Unlike equation 2 of RFC 1141 it never yields 0xFFFF... where 0x0000 was right.
/// </para>
/// </remarks>
public static class Checksum
{
    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words to <paramref name="sum"/>; does not fold.</summary>
    public static uint Add(ReadOnlySpan<byte> data, uint sum = 0)
    {
        ulong acc = sum;
        int i = 0;
        // Eight bytes at a time into a 64-bit accumulator: no carry can be lost for any frame we hold (< 2^32 words).
        for (; i + 8 <= data.Length; i += 8)
        {
            ulong v = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            acc += (v >> 48) + ((v >> 32) & 0xFFFF) + ((v >> 16) & 0xFFFF) + (v & 0xFFFF);
        }
        for (; i + 2 <= data.Length; i += 2)
        {
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            acc += (uint)data[i] << 8;
        }
        while ((acc >> 32) != 0)
        {
            acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        }
        // Keep it below 2^31 so callers can keep adding words.
        acc = (acc & 0xFFFF) + (acc >> 16);
        return (uint)acc;
    }

    /// <summary>Folds an accumulator to 16 bits (end-around carry), without complementing.</summary>
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The checksum of <paramref name="data"/> (plus an initial sum): the complement of the folded sum.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, uint initial = 0) => (ushort)~Fold(Add(data, initial));

    /// <summary>True when <paramref name="data"/>, checksum field included, sums to 0xFFFF (RFC 1071 §1 (3)).</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, uint initial = 0) => Fold(Add(data, initial)) == 0xFFFF;

    /// <summary>
    /// RFC 1624 §3 eqn. 3: the checksum after one 16-bit word covered by <paramref name="checksum"/> changed from
    /// <paramref name="oldWord"/> to <paramref name="newWord"/>.
    /// </summary>
    public static ushort Update(ushort checksum, ushort oldWord, ushort newWord)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldWord + newWord;
        return (ushort)~Fold(sum);
    }

    /// <summary>RFC 1624 applied to a 32-bit field (an address): two word updates in one.</summary>
    public static ushort Update(ushort checksum, uint oldValue, uint newValue)
    {
        uint sum = (uint)(ushort)~checksum
            + (ushort)~(oldValue >> 16) + (ushort)~(oldValue & 0xFFFF)
            + (newValue >> 16) + (newValue & 0xFFFF);
        return (ushort)~Fold(sum);
    }

    /// <summary>
    /// RFC 1624 for a partial checksum (<see cref="VirtioNetHeader.NeedsChecksum"/>): the field holds the folded
    /// pseudo-header sum, not its complement, so a pseudo-header word (an address) that changes from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/> is added, not complemented: <c>P' = P + ~m + m'</c>.
    /// Ports are not in the pseudo-header: whoever completes the checksum sums them with the data.
    /// </summary>
    public static ushort UpdatePartial(ushort pseudoSum, uint oldValue, uint newValue) =>
        (ushort)~Update((ushort)~pseudoSum, oldValue, newValue);

    /// <summary>
    /// The IPv4 pseudo-header sum (RFC 793 §3.1, RFC 768) of source, destination, protocol and L4 length; not folded
    /// or complemented. A partial checksum (virtio NEEDS_CSUM) holds exactly this, folded.
    /// </summary>
    public static uint PseudoHeaderSum(Ipv4Address source, Ipv4Address destination, byte protocol, int l4Length) =>
        (source.Value >> 16) + (source.Value & 0xFFFF) + (destination.Value >> 16) + (destination.Value & 0xFFFF)
        + protocol + (uint)l4Length;

    /// <summary>
    /// The IPv6 pseudo-header sum (RFC 8200 §8.1) of source, destination, upper-layer length and next header; not folded
    /// or complemented.
    /// </summary>
    public static uint PseudoHeaderSum(Ipv6Address source, Ipv6Address destination, byte nextHeader, int length)
    {
        Span<byte> addresses = stackalloc byte[2 * Ipv6Address.Size];
        source.Write(addresses);
        destination.Write(addresses[Ipv6Address.Size..]);
        return Add(addresses) + (uint)(length >> 16) + (uint)(length & 0xFFFF) + nextHeader;
    }

    /// <summary>
    /// Finishes a partial checksum (<see cref="VirtioNetHeader.NeedsChecksum"/>): sums the frame from
    /// <c>csum_start</c> to its end (the checksum field holds the pseudo-header sum) and stores the complement at
    /// <c>csum_start + csum_offset</c>, as a NIC would. Clears the flag. False when the offsets lie outside the frame.
    /// </summary>
    public static bool CompletePartial(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ref var offload = ref packet.Offload;
        if (!offload.NeedsChecksum)
        {
            return true;
        }
        var frame = packet.Data;
        int start = offload.ChecksumStart;
        int field = start + offload.ChecksumOffset;
        if (start >= frame.Length || field + 2 > frame.Length)
        {
            return false;
        }
        ushort value = Compute(frame[start..]);
        // UDP (RFC 768): a computed 0 is sent as all ones. For TCP 0 and 0xFFFF are the same value in ones' complement.
        BinaryPrimitives.WriteUInt16BigEndian(frame[field..], value == 0 ? (ushort)0xFFFF : value);
        offload.Flags = (byte)(offload.Flags & ~VirtioNetHeader.FlagNeedsChecksum);
        return true;
    }
}

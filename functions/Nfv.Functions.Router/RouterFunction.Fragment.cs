using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

public sealed partial class RouterFunction
{
    /// <summary>
    /// Cuts a datagram (DF clear, longer than <paramref name="mtu"/>) into fragments (RFC 791 §3.2, "Fragmentation")
    /// and sends them all out of <paramref name="outPort"/>; the Ethernet header is already rewritten. The original
    /// packet becomes the first fragment (keeping its options); later fragments carry only the options whose copied
    /// flag is set (RFC 791 §3.1, "Options"). A partial checksum is finished first, since no one
    /// could finish it across fragments. If the pool runs dry the whole datagram is dropped (a datagram missing a
    /// fragment is useless).
    /// </summary>
    private void Fragment(Packet packet, int outPort, int mtu, Emitter emit)
    {
        if (!Checksum.CompletePartial(packet))
        {
            emit.Drop(packet, RouterDrop.Truncated);
            return;
        }
        var frame = packet.Data;
        var ip = frame[IpOffset..];
        int headerLength = Ipv4Header.HeaderLength(ip);
        int total = Ipv4Header.TotalLength(ip);
        int payload = total - headerLength;
        ushort word = Ipv4Header.FragmentWord(ip);
        int baseOffset = (word & Ipv4Header.OffsetMask) * 8;
        bool lastHasMore = (word & Ipv4Header.MoreFragments) != 0;
        int firstData = (mtu - headerLength) & ~7;
        // The header of later fragments: the fixed 20 bytes and the options marked "copied", padded to 4 bytes.
        Span<byte> laterHeader = stackalloc byte[60];
        int laterHeaderLength = LaterFragmentHeader(ip[..headerLength], laterHeader);
        int laterData = (mtu - laterHeaderLength) & ~7;
        if (firstData < 8)
        {
            // IHL 15 and an MTU under 68 cannot both be: the factory refuses MTUs under 68. Defensive only.
            emit.Drop(packet, RouterDrop.FragmentationNeeded);
            return;
        }

        int count = 0;
        for (int offset = firstData; offset < payload; offset += laterData)
        {
            int length = Math.Min(laterData, payload - offset);
            var fragment = emit.Allocate();
            if (fragment is null)
            {
                Counters.Increment(RouterEvent.AllocateFailed);
                for (int k = 0; k < count; k++)
                {
                    emit.Drop(_fragments[k], RouterDrop.NoBuffer);
                    _fragments[k] = null!;
                }
                emit.Drop(packet, RouterDrop.NoBuffer);
                return;
            }
            fragment.SetFrame(Packet.DefaultHeadroom, IpOffset + laterHeaderLength + length);
            var f = fragment.Data;
            frame[..IpOffset].CopyTo(f);
            var fip = f[IpOffset..];
            laterHeader[..laterHeaderLength].CopyTo(fip);
            BinaryPrimitives.WriteUInt16BigEndian(fip[Ipv4Header.TotalLengthOffset..], (ushort)(laterHeaderLength + length));
            bool more = offset + length < payload || lastHasMore;
            ushort fragmentWord = (ushort)((word & 0x8000) | (more ? Ipv4Header.MoreFragments : 0) | ((baseOffset + offset) >> 3));
            BinaryPrimitives.WriteUInt16BigEndian(fip[Ipv4Header.FragmentOffset..], fragmentWord);
            Ipv4Header.UpdateChecksum(fip[..laterHeaderLength]);
            ip.Slice(headerLength + offset, length).CopyTo(fip[laterHeaderLength..]);
            _fragments[count++] = fragment;
        }

        // The original becomes the first fragment.
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.TotalLengthOffset..], (ushort)(headerLength + firstData));
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.FragmentOffset..],
            (ushort)((word & 0x8000) | Ipv4Header.MoreFragments | (baseOffset >> 3)));
        Ipv4Header.UpdateChecksum(ip);
        packet.SetLength(IpOffset + headerLength + firstData);
        Counters.Increment(RouterEvent.Fragmented);
        Counters.Add(RouterEvent.Fragments, count + 1);
        emit.To(outPort, packet);
        for (int k = 0; k < count; k++)
        {
            emit.To(outPort, _fragments[k]);
            _fragments[k] = null!;
        }
    }

    // Writes the header of a non-first fragment into destination: the fixed part of header, then each option whose
    // copied flag (the type's top bit) is set; a malformed option list ends the copy. Returns its length, a multiple of 4.
    private static int LaterFragmentHeader(ReadOnlySpan<byte> header, Span<byte> destination)
    {
        header[..Ipv4Header.MinSize].CopyTo(destination);
        int length = Ipv4Header.MinSize;
        int i = Ipv4Header.MinSize;
        while (i < header.Length)
        {
            byte type = header[i];
            if (type == 0)
            {
                break; // end of option list
            }
            if (type == 1)
            {
                i++; // no-operation: not copied
                continue;
            }
            if (i + 1 >= header.Length || header[i + 1] < 2 || i + header[i + 1] > header.Length)
            {
                break;
            }
            int optionLength = header[i + 1];
            if ((type & 0x80) != 0)
            {
                header.Slice(i, optionLength).CopyTo(destination[length..]);
                length += optionLength;
            }
            i += optionLength;
        }
        int padded = (length + 3) & ~3;
        destination[length..padded].Clear();
        destination[0] = (byte)(0x40 | (padded >> 2));
        return padded;
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;

namespace Nfv.Functions.Router;

public sealed partial class RouterFunction
{
    /// <summary>
    /// Cuts a datagram (DF clear, longer than <paramref name="mtu"/>) into fragments (RFC 791 §3.2, "Fragmentation")
    /// and sends them all out of <paramref name="outPort"/>; the Ethernet header is already rewritten. The original
    /// packet becomes the first fragment (keeping its options); later fragments carry a 20-byte header (options are
    /// not copied: a simplification of RFC 791's copied-flag rule). A partial checksum is finished first, since no one
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
        int laterData = (mtu - Ipv4Header.MinSize) & ~7;
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
                Counters.AllocateFailedCount++;
                for (int k = 0; k < count; k++)
                {
                    emit.Drop(_fragments[k], RouterDrop.NoBuffer);
                    _fragments[k] = null!;
                }
                emit.Drop(packet, RouterDrop.NoBuffer);
                return;
            }
            fragment.SetFrame(Packet.DefaultHeadroom, IpOffset + Ipv4Header.MinSize + length);
            var f = fragment.Data;
            frame[..IpOffset].CopyTo(f);
            var fip = f[IpOffset..];
            ip[..Ipv4Header.MinSize].CopyTo(fip);
            fip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(fip[Ipv4Header.TotalLengthOffset..], (ushort)(Ipv4Header.MinSize + length));
            bool more = offset + length < payload || lastHasMore;
            ushort fragmentWord = (ushort)((word & 0x8000) | (more ? Ipv4Header.MoreFragments : 0) | ((baseOffset + offset) >> 3));
            BinaryPrimitives.WriteUInt16BigEndian(fip[Ipv4Header.FragmentOffset..], fragmentWord);
            Ipv4Header.UpdateChecksum(fip[..Ipv4Header.MinSize]);
            ip.Slice(headerLength + offset, length).CopyTo(fip[Ipv4Header.MinSize..]);
            _fragments[count++] = fragment;
        }

        // The original becomes the first fragment.
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.TotalLengthOffset..], (ushort)(headerLength + firstData));
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.FragmentOffset..],
            (ushort)((word & 0x8000) | Ipv4Header.MoreFragments | (baseOffset >> 3)));
        Ipv4Header.UpdateChecksum(ip);
        packet.SetLength(IpOffset + headerLength + firstData);
        Counters.FragmentedCount++;
        Counters.FragmentsCount += count + 1;
        emit.To(outPort, packet);
        for (int k = 0; k < count; k++)
        {
            emit.To(outPort, _fragments[k]);
            _fragments[k] = null!;
        }
    }
}

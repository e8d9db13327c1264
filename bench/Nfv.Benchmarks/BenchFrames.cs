using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;

namespace Nfv.Benchmarks;

/// <summary>Frames and batches the IPv4 functions' benchmarks send: 60-byte UDP frames, one per flow.</summary>
public static class BenchFrames
{
    /// <summary>A 60-byte Ethernet + IPv4 + UDP frame (18 bytes of payload); addresses in host order.</summary>
    public static byte[] Udp(uint source, uint destination, ushort sourcePort, ushort destinationPort)
    {
        var frame = new byte[60];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv4);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 28 + 18);
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], source);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[24..], 8 + 18);
        return frame;
    }

    /// <summary><paramref name="batches"/> batches of <paramref name="size"/> packets from <paramref name="pool"/>, packet n holding <paramref name="frame"/>(n) arriving on its port.</summary>
    public static PacketBatch[] Batches(PacketPool pool, int batches, int size, Func<int, (byte[] Frame, int Port)> frame)
    {
        var made = new PacketBatch[batches];
        for (int b = 0; b < batches; b++)
        {
            made[b] = new PacketBatch(size);
            for (int i = 0; i < size; i++)
            {
                var (bytes, port) = frame((b * size) + i);
                var packet = pool.Rent()!;
                packet.Load(bytes, port);
                made[b].Add(packet);
            }
        }
        return made;
    }
}

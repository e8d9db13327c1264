using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nfv.Abstractions;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// What a datagram port does with each datagram <see cref="DatagramReceiver"/> read for it: checks it and makes it the
/// packet's frame (true), or counts why not and releases the packet (false). A struct, so the receive loop is compiled
/// for each port with the check inlined.
/// </summary>
/// <typeparam name="TAddress">The socket address type of the senders (<c>sockaddr_in</c>, <c>sockaddr_un</c>).</typeparam>
internal interface IDatagramAcceptor<TAddress> where TAddress : unmanaged
{
    /// <summary>
    /// Takes or refuses the <paramref name="length"/> bytes read into <paramref name="packet"/>'s buffer at
    /// <see cref="DatagramReceiver.Receive"/>'s start, sent by <paramref name="sender"/>.
    /// </summary>
    unsafe bool Accept(Packet packet, int length, int flags, TAddress* sender, int senderLength);
}

/// <summary>
/// The receive loop of the socket ports (<see cref="VxlanPort"/>, <see cref="UnixDatagramPort"/>): up to a batch of
/// datagrams per system call (recvmmsg), each straight into a packet's buffer (the pool's buffers are pinned) at a
/// start the port chooses, so a header it strips lands in the headroom.
/// </summary>
internal static class DatagramReceiver
{
    /// <summary>Datagrams read per system call.</summary>
    public const int Batch = 32;

    /// <summary>
    /// Reads what <paramref name="socket"/> has waiting into packets from <paramref name="pool"/> until
    /// <paramref name="batch"/> is full, the socket has nothing more or the pool is dry; each datagram read lands at
    /// <paramref name="start"/> of its buffer and goes to <paramref name="acceptor"/>. <paramref name="rented"/> holds
    /// the packets between the rent and the system call (<see cref="Batch"/> long). Returns the frames added.
    /// </summary>
    public static unsafe int Receive<TAddress, TAcceptor>(SafeFileHandle socket, Packet[] rented, PacketBatch batch, PacketPool pool,
        int start, PortCounters counters, ref TAcceptor acceptor)
        where TAddress : unmanaged
        where TAcceptor : struct, IDatagramAcceptor<TAddress>
    {
        int added = 0;
        var messages = stackalloc MMsgHdr[Batch];
        var vectors = stackalloc IoVec[Batch];
        var senders = stackalloc TAddress[Batch];
        while (!batch.IsFull)
        {
            int wanted = Math.Min(Batch, batch.Capacity - batch.Count), count = 0;
            for (; count < wanted; count++)
            {
                if (pool.Rent() is not { } packet)
                {
                    counters.Dropped(PortDrop.NoBuffer);
                    break;
                }
                rented[count] = packet;
                var buffer = packet.Buffer;
                vectors[count] = new IoVec
                {
                    Base = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer)) + start,
                    Length = (nuint)(buffer.Length - start),
                };
                messages[count] = new MMsgHdr
                {
                    Header = new MsgHdr { Name = &senders[count], NameLength = (uint)sizeof(TAddress), Iov = &vectors[count], IovLength = 1 },
                };
            }
            int received = count == 0 ? 0 : ReceiveMessages(socket, messages, (uint)count, 0, null);
            if (received < 0 && LastError is var error && error != Error.EAGAIN && error != Error.EINTR)
            {
                counters.Dropped(PortDrop.ReceiveError);
            }
            for (int i = 0; i < count; i++)
            {
                var packet = rented[i];
                rented[i] = null!;
                if (i >= received)
                {
                    packet.Release(); // rented for a datagram that was not there
                }
                else if (acceptor.Accept(packet, (int)messages[i].Length, messages[i].Header.Flags, &senders[i], (int)messages[i].Header.NameLength))
                {
                    batch.Add(packet);
                    added++;
                }
            }
            if (received < count)
            {
                break; // nothing more waiting, or the pool ran dry
            }
        }
        return added;
    }
}

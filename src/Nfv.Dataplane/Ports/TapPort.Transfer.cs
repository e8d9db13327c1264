using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nfv.Abstractions;
using Nfv.Dataplane.Interop;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

public sealed partial class TapPort
{
    // The offload header is read into, and written from, the headroom right in front of the frame, so neither
    // direction copies the frame. With batched I/O (an io_uring per queue) the reads of a batch are one system call,
    // and the writes of a round another; else one read() or write() a frame. A system call here costs about 1 µs
    // (page table isolation without PCID: the TLB flushed on every entry and exit; docs/tap-and-lab-notes.md).

    /// <summary>
    /// Whether batched reads and writes work here: false, with the reason, on a kernel without io_uring, with it turned off
    /// (<c>kernel.io_uring_disabled</c>), or in a container whose seccomp profile refuses it.
    /// </summary>
    public static bool CanBatchIo(out string? whyNot)
    {
        using var ring = IoRing.TryCreate(RingEntries, out whyNot);
        return ring is not null;
    }

    // The most reads or writes in one system call: a receive batch's worth by default (Nfv:ReceiveBatchSize).
    private const uint RingEntries = 64;

    // The queue's ring, made at the first read or write by the worker that uses this queue; none when batched reads and
    // writes are off, or io_uring is refused here or failed once.
    private IoRing? _ring;
    private bool _noRing;
    private readonly Packet?[] _reading = new Packet?[RingEntries]; // the packets a round of reads fills
    private readonly int[] _results = new int[RingEntries];
    private int _lastReceived;

    private IoRing? Ring()
    {
        if (_ring is null && !_noRing)
        {
            _ring = IoRing.TryCreate(RingEntries, out _);
            _noRing = _ring is null;
        }
        return _ring;
    }

    private void CloseRing(bool failed)
    {
        _ring?.Dispose();
        _ring = null;
        _noRing = failed;
    }

    /// <inheritdoc/>
    public unsafe int Receive(PacketBatch batch, PacketPool pool)
    {
        if (_state == PortState.Gone)
        {
            return 0; // nothing can come from a removed device, and a closed descriptor must not be read
        }
        int added = Ring() is { } ring ? ReceiveBatched(ring, batch, pool) : ReceiveEach(batch, pool);
        if (added > 0 && _state == PortState.NoCarrier)
        {
            _state = PortState.Up; // frames come in, so the interface is up again
        }
        return added;
    }

    // One read() a frame, until the kernel has none left (EAGAIN).
    private unsafe int ReceiveEach(PacketBatch batch, PacketPool pool)
    {
        int added = 0;
        while (!batch.IsFull)
        {
            var packet = pool.Rent();
            if (packet is null)
            {
                _counters.Dropped(PortDrop.NoBuffer);
                break;
            }
            nint read;
            do
            {
                read = Read(_fd, Address(packet) + ReadStart, packet.Buffer.Length - ReadStart);
            }
            while (read < 0 && LastError == Error.EINTR);
            if (read < 0)
            {
                var error = LastError;
                packet.Release();
                ReadFailed(error);
                break;
            }
            if (Accept(packet, (int)read, batch))
            {
                added++;
            }
        }
        return added;
    }

    // Reads frames in rounds of one system call: as many reads as frames came last time and one more (doubled while
    // every read of a round finds a frame), so a steady stream costs one io_uring_enter a batch with one read finding
    // nothing, and a lone frame one call (where read() takes two: the frame, then EAGAIN).
    private unsafe int ReceiveBatched(IoRing ring, PacketBatch batch, PacketPool pool)
    {
        int added = 0;
        int want = Math.Max(2, _lastReceived + 1);
        int fd = (int)_fd.DangerousGetHandle();
        while (!batch.IsFull)
        {
            int round = Math.Min(Math.Min(want, batch.Capacity - batch.Count), ring.Entries);
            int rented = 0;
            for (; rented < round; rented++)
            {
                if (pool.Rent() is not { } packet)
                {
                    _counters.Dropped(PortDrop.NoBuffer);
                    break;
                }
                _reading[rented] = packet;
                ring.PrepareRead(fd, Address(packet) + ReadStart, packet.Buffer.Length - ReadStart, (ulong)rented);
            }
            if (rented == 0)
            {
                break;
            }
            if (!ring.SubmitAndWait(out _))
            {
                // The kernel took none of the reads; the ring is closed with them in it, and reads go one by one.
                for (int i = 0; i < rented; i++)
                {
                    _reading[i]!.Release();
                    _reading[i] = null;
                }
                CloseRing(failed: true);
                return added + ReceiveEach(batch, pool);
            }
            while (ring.TryTakeCompletion(out ulong index, out int result))
            {
                _results[(int)index] = result;
            }
            bool drained = rented < round;
            for (int i = 0; i < rented; i++)
            {
                var packet = _reading[i]!;
                _reading[i] = null;
                int result = _results[i];
                if (result < 0)
                {
                    packet.Release();
                    drained = true;
                    ReadFailed((Error)(-result));
                }
                else if (Accept(packet, result, batch))
                {
                    added++;
                }
            }
            if (drained || _state == PortState.Gone)
            {
                break;
            }
            want = round * 2;
        }
        _lastReceived = added;
        return added;
    }

    // Counts a failed read (EAGAIN is no failure: nothing was waiting) and notes a device that is gone, which the worker
    // then stops polling: no spin on a dead descriptor.
    private void ReadFailed(Error error)
    {
        if (error != Error.EAGAIN)
        {
            _counters.Dropped(PortDrop.ReceiveError);
            if (StateAfter(error) == PortState.Gone)
            {
                _state = PortState.Gone;
            }
        }
    }

    // Where a read puts the offload header: right in front of the frame's place in the buffer.
    private const int ReadStart = Packet.DefaultHeadroom - VirtioNetHeader.Size;

    // A packet's buffer, which stays put: the pool allocates it pinned.
    private static unsafe byte* Address(Packet packet) =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(packet.Buffer));

    // Takes a frame read into the packet's headroom (its offload header first) into the batch; false if malformed.
    private bool Accept(Packet packet, int read, PacketBatch batch)
    {
        int frameLength = read - VirtioNetHeader.Size;
        if (frameLength <= 0)
        {
            packet.Release();
            _counters.Dropped(PortDrop.Malformed);
            return false;
        }
        packet.SetFrame(Packet.DefaultHeadroom, frameLength);
        packet.Offload = VirtioNetHeader.Read(packet.Buffer.AsSpan(ReadStart, VirtioNetHeader.Size));
        _counters.Received(frameLength);
        batch.Add(packet);
        return true;
    }

    // While the port is down, frames are dropped without a system call; with no carrier a write is tried
    // again once RetryMilliseconds have passed, and the first that succeeds brings the port up. A quarter of a
    // second keeps a down interface at four failed writes a second at most, and loses at most that long of
    // traffic once it is up again (an interface coming up does not tell the TAP's file descriptor).
    private const int RetryMilliseconds = 250;
    private long _retryAt;

    /// <inheritdoc/>
    public unsafe void Send(Packet packet)
    {
        try
        {
            if (!CanSend() || !TryWriteHeader(packet, out int start, out int total))
            {
                return;
            }
            nint written;
            do
            {
                written = Write(_fd, Address(packet) + start, total);
            }
            while (written < 0 && LastError == Error.EINTR);
            Count(packet, written < 0 ? -(int)LastError : (int)written, total);
        }
        finally
        {
            packet.Release();
        }
    }

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<Packet> packets)
    {
        while (packets.Length > 1 && Ring() is { } ring)
        {
            var chunk = packets[..Math.Min(packets.Length, ring.Entries)];
            packets = packets[chunk.Length..];
            WriteAll(ring, chunk);
        }
        foreach (var packet in packets)
        {
            Send(packet);
        }
    }

    // Writes the frames in one system call: a write each in the ring, handed to the kernel together.
    private unsafe void WriteAll(IoRing ring, ReadOnlySpan<Packet> packets)
    {
        int fd = (int)_fd.DangerousGetHandle();
        for (int i = 0; i < packets.Length; i++)
        {
            var packet = packets[i];
            if (CanSend() && TryWriteHeader(packet, out int start, out int total))
            {
                ring.PrepareWrite(fd, Address(packet) + start, total, (ulong)i);
            }
        }
        int prepared = ring.Prepared;
        if (prepared > 0 && !ring.SubmitAndWait(out _))
        {
            // The kernel took none of them (out of memory for its requests): they are lost as on a full queue, and the
            // ring is closed with them in it, so it never submits them later; this port writes one by one from now on.
            _counters.Dropped(PortDrop.SendError, prepared);
            CloseRing(failed: true);
        }
        else
        {
            while (ring.TryTakeCompletion(out ulong index, out int result))
            {
                var packet = packets[(int)index];
                Count(packet, result, packet.Length + VirtioNetHeader.Size);
            }
        }
        foreach (var packet in packets)
        {
            packet.Release();
        }
    }

    // Whether a frame may be written now; counts it dropped if not.
    private bool CanSend()
    {
        if (_state != PortState.Up && (_state == PortState.Gone || Environment.TickCount64 < _retryAt))
        {
            _counters.Dropped(PortDrop.Down);
            return false;
        }
        return true;
    }

    // Puts the offload header in front of the frame; false (counted) when the frame has no headroom for it.
    private bool TryWriteHeader(Packet packet, out int start, out int total)
    {
        start = packet.Offset - VirtioNetHeader.Size;
        total = packet.Length + VirtioNetHeader.Size;
        if (start < 0)
        {
            _counters.Dropped(PortDrop.SendError);
            return false;
        }
        packet.Offload.Write(packet.Buffer.AsSpan(start, VirtioNetHeader.Size));
        return true;
    }

    // Counts what a write returned: the bytes written, or minus the errno.
    private void Count(Packet packet, int result, int total)
    {
        if (result == total)
        {
            _counters.Sent(packet.Length);
            if (_state == PortState.NoCarrier)
            {
                _state = PortState.Up;
            }
            return;
        }
        // EAGAIN/ENOBUFS: the kernel's queue is full, the frame is lost as on a real wire. EIO: the
        // interface is down; EBADFD: the device is gone (its namespace was deleted).
        _counters.Dropped(PortDrop.SendError);
        var state = result < 0 ? StateAfter((Error)(-result)) : PortState.Up;
        if (state != PortState.Up)
        {
            _state = state;
            _retryAt = Environment.TickCount64 + RetryMilliseconds;
        }
    }
}

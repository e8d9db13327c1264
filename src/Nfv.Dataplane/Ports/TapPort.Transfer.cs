using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nfv.Abstractions;
using Nfv.Dataplane.Interop;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

public sealed partial class TapPort
{
    // The offload header is read into, and written from, the headroom right in front of the
    // frame, so neither direction copies the frame: one read() or write() per frame.
    // Cost measured here: about 1 µs per 64-byte frame each way, almost all of it the syscall.

    /// <inheritdoc/>
    public unsafe int Receive(PacketBatch batch, PacketPool pool)
    {
        if (_state == PortState.Gone)
        {
            return 0; // nothing can come from a removed device, and a closed descriptor must not be read
        }
        int added = 0;
        while (!batch.IsFull)
        {
            var packet = pool.Rent();
            if (packet is null)
            {
                _counters.Dropped(PortDrop.NoBuffer);
                break;
            }
            int start = Packet.DefaultHeadroom - VirtioNetHeader.Size;
            var buffer = packet.Buffer;
            nint read;
            fixed (byte* p = buffer)
            {
                do
                {
                    read = Read(_fd, p + start, buffer.Length - start);
                }
                while (read < 0 && LastError == Error.EINTR);
            }
            if (read < 0)
            {
                var error = LastError;
                packet.Release();
                if (error != Error.EAGAIN)
                {
                    _counters.Dropped(PortDrop.ReceiveError);
                    if (StateAfter(error) == PortState.Gone)
                    {
                        _state = PortState.Gone; // the worker sees it and stops polling: no spin on a dead descriptor
                    }
                }
                break;
            }
            int frameLength = (int)read - VirtioNetHeader.Size;
            if (frameLength <= 0)
            {
                packet.Release();
                _counters.Dropped(PortDrop.Malformed);
                continue;
            }
            packet.SetFrame(Packet.DefaultHeadroom, frameLength);
            packet.Offload = VirtioNetHeader.Read(buffer.AsSpan(start, VirtioNetHeader.Size));
            _counters.Received(frameLength);
            batch.Add(packet);
            added++;
        }
        if (added > 0 && _state == PortState.NoCarrier)
        {
            _state = PortState.Up; // frames come in, so the interface is up again
        }
        return added;
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
            fixed (byte* p = packet.Buffer)
            {
                do
                {
                    written = Write(_fd, p + start, total);
                }
                while (written < 0 && LastError == Error.EINTR);
            }
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
                byte* buffer = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(packet.Buffer)); // pinned
                ring.PrepareWrite(fd, buffer + start, total, (ulong)i);
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

    /// <summary>
    /// Whether batched writes work here: false, with the reason, on a kernel without io_uring, with it turned off
    /// (<c>kernel.io_uring_disabled</c>), or in a container whose seccomp profile refuses it.
    /// </summary>
    public static bool CanBatchWrites(out string? whyNot)
    {
        using var ring = IoRing.TryCreate(RingEntries, out whyNot);
        return ring is not null;
    }

    // A batch of frames written in one system call: up to a receive batch's worth (the graph's default).
    private const uint RingEntries = 64;

    // The queue's ring for batches of writes, made at the first batch by the worker that writes this queue; none when
    // batched writes are off, or io_uring is refused here or failed once.
    private IoRing? _ring;
    private bool _noRing;

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

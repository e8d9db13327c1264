using Nfv.Abstractions;
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
            if (_state != PortState.Up && (_state == PortState.Gone || Environment.TickCount64 < _retryAt))
            {
                _counters.Dropped(PortDrop.Down);
                return;
            }
            int start = packet.Offset - VirtioNetHeader.Size;
            if (start < 0)
            {
                _counters.Dropped(PortDrop.SendError);
                return;
            }
            var buffer = packet.Buffer;
            packet.Offload.Write(buffer.AsSpan(start, VirtioNetHeader.Size));
            int total = packet.Length + VirtioNetHeader.Size;
            nint written;
            fixed (byte* p = buffer)
            {
                do
                {
                    written = Write(_fd, p + start, total);
                }
                while (written < 0 && LastError == Error.EINTR);
            }
            if (written == total)
            {
                _counters.Sent(packet.Length);
                if (_state == PortState.NoCarrier)
                {
                    _state = PortState.Up;
                }
            }
            else
            {
                // EAGAIN/ENOBUFS: the kernel's queue is full, the frame is lost as on a real wire. EIO: the
                // interface is down; EBADFD: the device is gone (its namespace was deleted).
                _counters.Dropped(PortDrop.SendError);
                var state = written < 0 ? StateAfter(LastError) : PortState.Up;
                if (state != PortState.Up)
                {
                    _state = state;
                    _retryAt = Environment.TickCount64 + RetryMilliseconds;
                }
            }
        }
        finally
        {
            packet.Release();
        }
    }
}

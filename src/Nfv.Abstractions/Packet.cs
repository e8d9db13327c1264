namespace Nfv.Abstractions;

/// <summary>
/// One Ethernet frame in a pooled, pinned buffer, with its metadata. A packet belongs to the
/// <see cref="PacketPool"/> that made it; whoever holds it last returns it there.
/// </summary>
/// <remarks>
/// The frame starts at <see cref="Offset"/> inside <see cref="Buffer"/>; the bytes before it are
/// headroom, so a VLAN tag can be pushed without a copy and the I/O layer can put the
/// <see cref="VirtioNetHeader"/> right in front of the frame.
/// </remarks>
public sealed class Packet
{
    /// <summary>Bytes kept free in front of a received frame.</summary>
    public const int DefaultHeadroom = 64;

    /// <summary>The largest frame a packet holds: a 64 KB GSO super-frame plus Ethernet and two VLAN tags.</summary>
    public const int MaxFrameLength = 65535 + 14 + 8;

    private readonly byte[] _buffer;
    private int _offset;
    private int _length;

    internal Packet(PacketPool owner, byte[] buffer)
    {
        Owner = owner;
        _buffer = buffer;
        _offset = DefaultHeadroom;
    }

    /// <summary>The pool this packet returns to.</summary>
    public PacketPool Owner { get; }

    /// <summary>The whole pinned buffer, headroom included. For the I/O layer.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Where the frame starts in <see cref="Buffer"/>.</summary>
    public int Offset => _offset;

    /// <summary>Frame length in bytes.</summary>
    public int Length => _length;

    /// <summary>Free bytes in front of the frame.</summary>
    public int Headroom => _offset;

    /// <summary>The frame.</summary>
    public Span<byte> Data => new(_buffer, _offset, _length);

    /// <summary>The port of the current function (or external port) the packet arrived on.</summary>
    public int InputPort;

    /// <summary>How many functions the packet crossed in this pass (the loop guard): the graph's bookkeeping.</summary>
    internal int Hops;

    /// <summary>The next packet on its pool's stack of packets other threads gave back (<see cref="PacketPool.Return"/>).</summary>
    internal Packet? NextReturned;

    /// <summary>Offload metadata: partial checksum and GSO. All zero for an ordinary frame.</summary>
    public VirtioNetHeader Offload;

    /// <summary>
    /// Which trace (<c>nfv trace</c>) records this packet's path; 0 when it is not traced, which is almost always.
    /// Set by the dataplane when the packet enters the graph, copied with the packet (<see cref="CopyFrom"/>), so a
    /// flood's copies stay in their original's trace. The graph's bookkeeping: functions see only <see cref="IsTraced"/>.
    /// </summary>
    internal int TraceId;

    /// <summary>True when the packet is traced: <see cref="Emitter.Trace(Packet, string)"/> records what a function states about it.</summary>
    public bool IsTraced => TraceId != 0;

    /// <summary>Sets where the frame is in the buffer.</summary>
    public void SetFrame(int offset, int length)
    {
        if ((uint)offset > (uint)_buffer.Length || (uint)length > (uint)(_buffer.Length - offset))
        {
            ThrowFrameOutOfRange();
        }
        _offset = offset;
        _length = length;
    }

    /// <summary>Resets the packet for reuse: empty frame at the default headroom, no metadata.</summary>
    public void Reset()
    {
        _offset = DefaultHeadroom;
        _length = 0;
        InputPort = 0;
        Hops = 0;
        Offload = default;
        TraceId = 0;
    }

    /// <summary>Grows the frame at the front by <paramref name="bytes"/>; false when the headroom is too small.</summary>
    public bool TryPushFront(int bytes)
    {
        if (bytes > _offset)
        {
            return false;
        }
        _offset -= bytes;
        _length += bytes;
        return true;
    }

    /// <summary>Removes <paramref name="bytes"/> from the front of the frame.</summary>
    public void PullFront(int bytes)
    {
        if ((uint)bytes > (uint)_length)
        {
            ThrowFrameOutOfRange();
        }
        _offset += bytes;
        _length -= bytes;
    }

    /// <summary>Sets the frame length, keeping its start.</summary>
    public void SetLength(int length) => SetFrame(_offset, length);

    /// <summary>Copies <paramref name="frame"/> into this packet at the default headroom.</summary>
    public void Load(ReadOnlySpan<byte> frame, int inputPort = 0)
    {
        Reset();
        SetFrame(DefaultHeadroom, frame.Length);
        frame.CopyTo(Data);
        InputPort = inputPort;
    }

    /// <summary>Makes this packet a copy of <paramref name="source"/>: frame and metadata.</summary>
    public void CopyFrom(Packet source)
    {
        SetFrame(source._offset, source._length);
        source.Data.CopyTo(Data);
        InputPort = source.InputPort;
        Hops = source.Hops;
        Offload = source.Offload;
        TraceId = source.TraceId;
    }

    /// <summary>Returns the packet to its pool.</summary>
    public void Release() => Owner.Return(this);

    private static void ThrowFrameOutOfRange() =>
        throw new ArgumentOutOfRangeException("frame", "The frame does not fit in the packet buffer.");
}

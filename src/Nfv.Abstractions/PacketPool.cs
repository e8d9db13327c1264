namespace Nfv.Abstractions;

/// <summary>
/// A bounded pool of packets whose buffers are allocated once, pinned, at construction.
/// Renting never allocates; an empty pool says so by returning null.
/// </summary>
/// <remarks>
/// Not thread-safe: each dataplane worker owns one pool, and packets travel only within
/// the worker that rented them (run to completion). The free list is a stack, so the
/// most recently used (cache-warm) buffer is handed out first.
/// </remarks>
public sealed class PacketPool
{
    private readonly Packet[] _free;
    private int _freeCount;

    /// <summary>Creates <paramref name="capacity"/> packets of <paramref name="bufferSize"/> bytes each.</summary>
    public PacketPool(int capacity, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, Packet.DefaultHeadroom + 64);
        Capacity = capacity;
        BufferSize = bufferSize;
        _free = new Packet[capacity];
        for (int i = 0; i < capacity; i++)
        {
            // Uninitialized: pages are touched (made resident) only when a frame is written.
            _free[i] = new Packet(this, GC.AllocateUninitializedArray<byte>(bufferSize, pinned: true));
        }
        _freeCount = capacity;
    }

    /// <summary>Packets the pool was made with.</summary>
    public int Capacity { get; }

    /// <summary>Bytes per packet buffer, headroom included.</summary>
    public int BufferSize { get; }

    /// <summary>Packets ready to rent.</summary>
    public int Available => _freeCount;

    /// <summary>Times <see cref="Rent"/> found the pool empty.</summary>
    public long Exhausted { get; private set; }

    /// <summary>Takes a reset packet, or null when every packet is in use.</summary>
    public Packet? Rent()
    {
        if (_freeCount == 0)
        {
            Exhausted++;
            return null;
        }
        var packet = _free[--_freeCount];
        _free[_freeCount] = null!;
        packet.Reset();
        return packet;
    }

    /// <summary>Gives a packet back.</summary>
    public void Return(Packet packet)
    {
        if (!ReferenceEquals(packet.Owner, this))
        {
            throw new ArgumentException("The packet belongs to another pool.", nameof(packet));
        }
        if (_freeCount == _free.Length)
        {
            throw new InvalidOperationException("A packet was returned twice.");
        }
        _free[_freeCount++] = packet;
    }
}

namespace Nfv.Abstractions;

/// <summary>
/// A bounded pool of packets whose buffers are allocated once, pinned: all at construction, or, for a pool that is
/// mostly idle (a router's queue of packets waiting for ARP), each when it is first needed. Renting from a pool made
/// whole never allocates; an empty pool says so by returning null.
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
    private int _made;

    /// <summary>Creates <paramref name="capacity"/> packets of <paramref name="bufferSize"/> bytes each.</summary>
    /// <param name="capacity">The most packets the pool holds.</param>
    /// <param name="bufferSize">Bytes per packet buffer, headroom included.</param>
    /// <param name="onDemand">
    /// True to make each packet when the pool is first found empty instead of all now: for a pool that is seldom used
    /// (its pinned buffers would otherwise be allocated, and counted by the GC, for nothing). Renting then allocates
    /// until the pool has grown to <paramref name="capacity"/>.
    /// </param>
    public PacketPool(int capacity, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength, bool onDemand = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, Packet.DefaultHeadroom + 64);
        Capacity = capacity;
        BufferSize = bufferSize;
        _free = new Packet[capacity];
        if (!onDemand)
        {
            for (int i = 0; i < capacity; i++)
            {
                _free[i] = MakePacket();
            }
            _freeCount = capacity;
        }
    }

    // Uninitialized: pages are touched (made resident) only when a frame is written.
    private Packet MakePacket()
    {
        _made++;
        return new Packet(this, GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true));
    }

    /// <summary>The most packets the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>Bytes per packet buffer, headroom included.</summary>
    public int BufferSize { get; }

    /// <summary>Packets ready to rent (those not made yet included).</summary>
    public int Available => _freeCount + Capacity - _made;

    /// <summary>Times <see cref="Rent"/> found the pool empty.</summary>
    public long Exhausted { get; private set; }

    /// <summary>Takes a reset packet, or null when every packet is in use.</summary>
    public Packet? Rent()
    {
        if (_freeCount == 0)
        {
            if (_made < Capacity)
            {
                return MakePacket();
            }
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
        if (_freeCount == _made)
        {
            throw new InvalidOperationException("A packet was returned twice.");
        }
        _free[_freeCount++] = packet;
    }
}

namespace Nfv.Abstractions;

/// <summary>
/// A bounded pool of packets whose buffers are allocated once, pinned (see <see cref="PacketMemory"/> for when).
/// Renting from a pool made whole never allocates; an empty pool says so by returning null.
/// </summary>
/// <remarks>
/// Not thread-safe: each dataplane worker owns one pool, and packets travel only within
/// the worker that rented them (run to completion). The free list is a stack, so the
/// most recently used (cache-warm) buffer is handed out first.
/// </remarks>
public sealed class PacketPool
{
    private const int PageSize = 4096;
    private readonly Packet[] _free;
    private readonly PacketMemory _memory;
    private int _freeCount;
    private int _made;

    /// <summary>Creates <paramref name="capacity"/> packets of <paramref name="bufferSize"/> bytes each.</summary>
    /// <param name="capacity">The most packets the pool holds.</param>
    /// <param name="bufferSize">Bytes per packet buffer, headroom included.</param>
    /// <param name="memory">When the buffers are allocated and made resident.</param>
    public PacketPool(int capacity, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength, PacketMemory memory = PacketMemory.Allocated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, Packet.DefaultHeadroom + 64);
        Capacity = capacity;
        BufferSize = bufferSize;
        _memory = memory;
        _free = new Packet[capacity];
        if (memory != PacketMemory.OnDemand)
        {
            for (int i = 0; i < capacity; i++)
            {
                _free[i] = MakePacket();
            }
            _freeCount = capacity;
        }
    }

    private Packet MakePacket()
    {
        _made++;
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        if (_memory == PacketMemory.Resident)
        {
            // One write a page makes the kernel back it now, not on a packet's first pass through it.
            for (int i = 0; i < buffer.Length; i += PageSize)
            {
                buffer[i] = 0;
            }
        }
        return new Packet(this, buffer);
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

/// <summary>When a <see cref="PacketPool"/>'s buffers are allocated and made resident.</summary>
public enum PacketMemory
{
    /// <summary>All allocated at construction; a page becomes resident when a frame is first written to it.</summary>
    Allocated,

    /// <summary>
    /// All allocated and made resident at construction: the dataplane's pool, so its memory is what it will stay
    /// (steady from the first minute, not creeping up as rarer bursts reach deeper into the pool) and no packet pays
    /// for a page fault.
    /// </summary>
    Resident,

    /// <summary>
    /// Each packet made when the pool is first found empty, up to the capacity: for a pool that is seldom used (a
    /// router's queue of packets waiting for ARP), whose pinned buffers would otherwise be allocated, and counted by
    /// the GC, for nothing. Renting allocates until the pool has grown whole.
    /// </summary>
    OnDemand,
}

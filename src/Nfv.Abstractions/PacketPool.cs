namespace Nfv.Abstractions;

/// <summary>
/// A bounded pool of packets whose buffers are allocated once, pinned (see <see cref="PacketMemory"/> for when).
/// Renting from a pool made whole never allocates; an empty pool says so by returning null.
/// </summary>
/// <remarks>
/// Each dataplane worker owns one pool and is the only thread that rents from it. A packet handed over to another
/// worker (a function placed there) is given back by that worker: once the pool is bound to its worker
/// (<see cref="BindToCurrentThread"/>), a return from any other thread goes onto a lock-free stack (one compare-and-swap)
/// that the owner takes whole when its own free list runs dry; a return on the owner's thread costs one comparison more
/// than an unshared pool's. The free list is a stack, so the most recently used (cache-warm) buffer is handed out first.
/// </remarks>
public sealed class PacketPool
{
    private const int PageSize = 4096;
    private readonly Packet[] _free;
    private readonly PacketMemory _memory;
    private int _freeCount;
    private int _made;
    private int _ownerThread; // 0 until bound: every return is the owner's
    private Packet? _returned; // packets given back by other threads, linked through Packet.NextReturned
    private int _returnedCount;

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

    /// <summary>Packets ready to rent (those not made yet and those other threads gave back included).</summary>
    public int Available => _freeCount + Capacity - _made + Volatile.Read(ref _returnedCount);

    /// <summary>
    /// Makes the calling thread the pool's owner, the only one that rents from it: from now on a packet returned on
    /// another thread goes onto the pool's shared stack. A worker calls it when its thread starts.
    /// </summary>
    public void BindToCurrentThread() => Volatile.Write(ref _ownerThread, Environment.CurrentManagedThreadId);

    /// <summary>Times <see cref="Rent"/> found the pool empty.</summary>
    public long Exhausted { get; private set; }

    /// <summary>Takes a reset packet, or null when every packet is in use.</summary>
    public Packet? Rent()
    {
        if (_freeCount == 0 && TakeReturned() == 0)
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

    /// <summary>Gives a packet back, from any thread.</summary>
    public void Return(Packet packet)
    {
        if (!ReferenceEquals(packet.Owner, this))
        {
            throw new ArgumentException("The packet belongs to another pool.", nameof(packet));
        }
        int owner = _ownerThread;
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            ReturnFromAnotherThread(packet);
            return;
        }
        if (_freeCount == _made)
        {
            throw new InvalidOperationException("A packet was returned twice.");
        }
        _free[_freeCount++] = packet;
    }

    // A Treiber stack with many pushers and one taker that takes it whole (Interlocked.Exchange), so no ABA can arise.
    private void ReturnFromAnotherThread(Packet packet)
    {
        Packet? head;
        do
        {
            head = Volatile.Read(ref _returned);
            packet.NextReturned = head;
        }
        while (Interlocked.CompareExchange(ref _returned, packet, head) != head);
        Interlocked.Increment(ref _returnedCount);
    }

    // The owner, its free list empty: moves what other threads gave back onto it. Returns how many.
    private int TakeReturned()
    {
        if (Volatile.Read(ref _returned) is null)
        {
            return 0;
        }
        var packet = Interlocked.Exchange(ref _returned, null);
        int taken = 0;
        while (packet is not null)
        {
            var next = packet.NextReturned;
            packet.NextReturned = null;
            _free[_freeCount++] = packet;
            packet = next;
            taken++;
        }
        Interlocked.Add(ref _returnedCount, -taken);
        return taken;
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

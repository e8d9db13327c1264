using Nfv.Abstractions;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// Carries packets from one worker to another, for a function or port placed on the other (VPP's handoff): a bounded
/// ring with one producer and one consumer. The producer adds during its pass through the graph and publishes once at
/// the end of it (<see cref="Publish"/>), so a batch costs one release store, not one per packet; the consumer takes
/// what was published and gives the slots back once (<see cref="Take"/>). When the ring is full the producer is told,
/// and drops the packet (<see cref="GraphDrop.HandoffFull"/>): a worker never waits for another.
/// </summary>
/// <remarks>
/// The producer's index is written by the producer only and the consumer's by the consumer only, each on a cache line
/// of its own, and each side keeps a private copy of the other's index that it refreshes only when the ring looks
/// full (or empty), so the two cores share a line only when they must.
/// </remarks>
public sealed class HandoffRing
{
    private readonly Entry[] _entries;
    private readonly int _mask;
    private Indices _producer; // the next slot to fill, the slot published up to, the consumer's Published as last read
    private Indices _consumer; // the next slot to take, the slot given back up to, the producer's Published as last read

    /// <summary>Creates a ring of <paramref name="capacity"/> slots, rounded up to a power of two.</summary>
    public HandoffRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _entries = new Entry[size];
        _mask = size - 1;
    }

    /// <summary>The slots.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Packets published and not yet taken. From any thread; a moment's view.</summary>
    public int Count => (int)(Volatile.Read(ref _producer.Published) - Volatile.Read(ref _consumer.Published));

    /// <summary>
    /// Producer: adds <paramref name="packet"/> for endpoint <paramref name="to"/>, with the trace it belongs to if it is
    /// traced (<c>nfv trace</c>); false when the ring is full.
    /// </summary>
    public bool TryAdd(Packet packet, GraphEndpoint to, PacketTrace? trace = null)
    {
        long tail = _producer.Next;
        if (tail - _producer.Other >= _entries.Length)
        {
            _producer.Other = Volatile.Read(ref _consumer.Published);
            if (tail - _producer.Other >= _entries.Length)
            {
                return false;
            }
        }
        ref var entry = ref _entries[tail & _mask];
        entry.Packet = packet;
        entry.To = to;
        entry.Trace = trace;
        _producer.Next = tail + 1;
        return true;
    }

    /// <summary>Producer: makes what it added since the last call visible to the consumer; true when there was any.</summary>
    public bool Publish()
    {
        if (_producer.Next == _producer.Published)
        {
            return false;
        }
        Volatile.Write(ref _producer.Published, _producer.Next);
        return true;
    }

    /// <summary>Consumer: true when something is published and not taken. Cheap: one read when it is not.</summary>
    public bool HasWaiting => _consumer.Next != _consumer.Other || (_consumer.Other = Volatile.Read(ref _producer.Published)) != _consumer.Next;

    /// <summary>
    /// Consumer: hands at most <paramref name="max"/> published packets, in order, to <paramref name="deliver"/>, then
    /// gives their slots back to the producer. Returns how many.
    /// </summary>
    public int Take<TDeliver>(int max, ref TDeliver deliver)
        where TDeliver : struct, IHandoffDelivery
    {
        long head = _consumer.Next;
        long published = _consumer.Other = Volatile.Read(ref _producer.Published);
        if (published == head)
        {
            return 0;
        }
        int count = (int)Math.Min(max, published - head);
        for (int i = 0; i < count; i++)
        {
            ref var entry = ref _entries[(head + i) & _mask];
            var packet = entry.Packet!;
            var trace = entry.Trace;
            entry.Packet = null;
            entry.Trace = null;
            deliver.Deliver(entry.To, packet, trace);
        }
        _consumer.Next = head + count;
        Volatile.Write(ref _consumer.Published, _consumer.Next);
        return count;
    }

    private struct Entry
    {
        public Packet? Packet;
        public GraphEndpoint To;
        public PacketTrace? Trace;
    }

    // One side's indices, padded to a cache line of their own so the two sides never share one.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct Indices
    {
        [System.Runtime.InteropServices.FieldOffset(64)] public long Next;      // private to the side
        [System.Runtime.InteropServices.FieldOffset(72)] public long Published; // read by the other side
        [System.Runtime.InteropServices.FieldOffset(80)] public long Other;     // private: the other side's Published, as last read
    }
}

/// <summary>What a <see cref="HandoffRing"/>'s consumer does with each packet taken (a struct, so the call is direct).</summary>
public interface IHandoffDelivery
{
    /// <summary>Takes <paramref name="packet"/>, addressed to <paramref name="to"/>, and the trace it belongs to, if traced.</summary>
    void Deliver(GraphEndpoint to, Packet packet, PacketTrace? trace);
}

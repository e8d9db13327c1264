using System.Numerics;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>What <see cref="NeighbourTable{TAddress}.Enqueue"/> did with a packet waiting for its next hop's address.</summary>
public enum NeighbourEnqueueResult
{
    /// <summary>A copy waits for the address.</summary>
    Queued = 0,
    /// <summary>Not queued: this next hop already holds as many packets as allowed (or all hops together do).</summary>
    QueueFull = 1,
    /// <summary>Not queued: the table is full of entries and no resolution could start.</summary>
    TableFull = 2,
}

/// <summary>What a <see cref="NeighbourTable{TAddress}"/> asks of its owner while it runs its timers.</summary>
public interface INeighbourTimerSink<TAddress>
{
    /// <summary>A resolution needs its next request (a retry).</summary>
    void SendRequest(int iface, TAddress target);

    /// <summary>
    /// A resolution failed after every retry; called once for each packet that waited, which the table frees
    /// right after the call (send the ICMP host unreachable now, copying what is needed).
    /// </summary>
    void ResolutionFailed(int iface, TAddress target, Packet waiting);
}

/// <summary>An address a <see cref="NeighbourTable{TAddress}"/> resolves: IPv4 (ARP) or IPv6 (neighbour discovery).</summary>
public interface INeighbourAddress<TSelf> : IEquatable<TSelf>, IComparable<TSelf> where TSelf : struct, INeighbourAddress<TSelf>
{
    /// <summary>The address folded into 64 bits for hashing (the table mixes it further).</summary>
    static abstract ulong Fold(TSelf address);
}

/// <summary>One entry as <c>nfv show arp</c> (or <c>nfv show neighbours</c>) prints it.</summary>
/// <param name="Interface">The interface (port) index.</param>
/// <param name="Address">The neighbour's address.</param>
/// <param name="Mac">Its hardware address; zero while incomplete.</param>
/// <param name="State">Where it is in neighbour unreachability detection.</param>
/// <param name="Age">Time since it was last confirmed (or since resolution started).</param>
public readonly record struct NeighbourEntry<TAddress>(int Interface, TAddress Address, MacAddress Mac, NeighbourState State, TimeSpan Age)
{
    /// <summary>True once resolved: the MAC is known (reachable, stale or being probed).</summary>
    public bool Complete => State != NeighbourState.Incomplete;
}

/// <summary>The states of a neighbour entry (RFC 4861 §7.3.2, the ones a router needs).</summary>
public enum NeighbourState
{
    /// <summary>Being resolved: requests go out, packets wait.</summary>
    Incomplete = 0,
    /// <summary>Confirmed within the reachable time.</summary>
    Reachable = 1,
    /// <summary>Older than the reachable time and not used since: used as is when a packet comes, which starts a probe.</summary>
    Stale = 2,
    /// <summary>Used while stale: packets still go to the known MAC while requests confirm it; removed if none is answered.</summary>
    Probe = 3,
}

/// <summary>
/// A neighbour cache and resolver: (interface, address) → MAC with ageing, bounded to <see cref="Capacity"/> entries,
/// plus, for next hops being resolved, a bounded queue of packets waiting and the request retries. ARP (RFC 826,
/// RFC 1122 §2.3.2) and IPv6 neighbour discovery (RFC 4861 §7.2) resolve the same way and differ only in the
/// messages their owner sends, so one table serves both: <see cref="ArpTable"/> and <see cref="NeighbourCache"/>.
/// </summary>
/// <remarks>
/// <para>
/// Waiting packets are copied into a pool the table owns (<see cref="QueueTotal"/> full-size buffers), so the
/// packet the function was given still ends in exactly one emit or drop inside <c>Process</c>, as the function
/// contract asks; this is the slow path (the first packets to a new neighbour). When the address arrives, the owner
/// takes the copies back with <see cref="TryDequeue"/>, copies each into a packet of its own emitter and releases the
/// copy with <see cref="Release"/>.
/// </para>
/// <para>
/// Times are <see cref="TimeProvider.GetTimestamp"/> values of the clock given. A complete entry older than the
/// reachable time is stale: the next <see cref="TryLookup"/> still answers with its MAC (traffic never waits for a
/// neighbour it already knows) and starts a probe, requests sent by <see cref="OnTimer"/>; an answer makes it reachable
/// again, no answer after every attempt removes it. A stale entry nobody uses is removed at twice the reachable time.
/// As Linux's neighbour table does for ARP and neighbour discovery alike (RFC 4861 §7.3, RFC 1122 §2.3.2.1). Not thread-safe: the worker that owns the function owns the table. Nothing allocates after
/// construction: the index is an open-addressing hash table at most half full, allocated once.
/// </para>
/// </remarks>
public class NeighbourTable<TAddress> where TAddress : struct, INeighbourAddress<TAddress>
{
    private const byte Free = 0;
    private const byte Incomplete = 1;
    private const byte Complete = 2;
    private const byte Probing = 3;

    private struct Entry
    {
        public TAddress Address;
        public int Interface;
        public MacAddress Mac;
        public long Updated;
        public long NextRetry;
        public int QueueHead;
        public int QueueTail;
        public int Queued;
        public byte State;
        public byte Tries;
    }

    private readonly Entry[] _entries;
    private readonly int[] _freeEntries;
    private int _freeEntryCount;
    private readonly int[] _buckets;   // open addressing, linear probing: entry index + 1; 0 = empty
    private readonly int _bucketMask;
    private readonly int _bucketShift;
    private int _count;
    private readonly PacketPool _queuePool;
    private long _notLearned;
    private readonly Packet?[] _queue;
    private readonly int[] _queueNext;
    private readonly int[] _freeQueue;
    private int _freeQueueCount;
    private readonly long _reachable;
    private readonly long _retryInterval;
    private readonly long _frequency;

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">Most entries (complete and incomplete).</param>
    /// <param name="reachableTime">How long a resolved address is used before it is resolved again.</param>
    /// <param name="queueDepth">Most packets waiting for one next hop.</param>
    /// <param name="queueTotal">Most packets waiting for all next hops together.</param>
    /// <param name="retryInterval">Time between requests.</param>
    /// <param name="attempts">Requests sent before giving up (the first included).</param>
    /// <param name="timestampFrequency"><see cref="TimeProvider.TimestampFrequency"/> of the clock times come from.</param>
    /// <param name="bufferSize">Bytes per queued packet buffer; frames longer than fit are not queued.</param>
    public NeighbourTable(int capacity, TimeSpan reachableTime, int queueDepth, int queueTotal, TimeSpan retryInterval, int attempts,
        long timestampFrequency, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueDepth, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueTotal, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attempts, 255);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reachableTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryInterval, TimeSpan.Zero);
        Capacity = capacity;
        QueueDepth = queueDepth;
        QueueTotal = queueTotal;
        Attempts = attempts;
        _frequency = timestampFrequency;
        _reachable = ToTimestamp(reachableTime);
        _retryInterval = ToTimestamp(retryInterval);
        _entries = new Entry[capacity];
        _freeEntries = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _freeEntries[i] = capacity - 1 - i;
        }
        _freeEntryCount = capacity;
        int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _buckets = new int[buckets];
        _bucketMask = buckets - 1;
        _bucketShift = 64 - BitOperations.Log2((uint)buckets);
        _queuePool = new PacketPool(queueTotal, bufferSize, PacketMemory.OnDemand);
        _queue = new Packet?[queueTotal];
        _queueNext = new int[queueTotal];
        _freeQueue = new int[queueTotal];
        for (int i = 0; i < queueTotal; i++)
        {
            _freeQueue[i] = queueTotal - 1 - i;
        }
        _freeQueueCount = queueTotal;
    }

    /// <summary>Most entries.</summary>
    public int Capacity { get; }

    /// <summary>Most packets waiting per next hop.</summary>
    public int QueueDepth { get; }

    /// <summary>Most packets waiting in all.</summary>
    public int QueueTotal { get; }

    /// <summary>Requests sent per resolution before it fails.</summary>
    public int Attempts { get; }

    /// <summary>Entries in use, incomplete ones included.</summary>
    public int Count => _count;

    /// <summary>True when no new entry can be made until one ages out or fails.</summary>
    public bool IsFull => _freeEntryCount == 0 || Bound?.IsFull == true;

    /// <summary>
    /// The bound this table holds together with the tables of the function's other instances, when it runs an instance
    /// per worker (null: <see cref="Capacity"/> alone). Set before the table is first used.
    /// </summary>
    public SharedBound? Bound { get; set; }

    /// <summary>Neighbours that asked for us (<see cref="Update"/> with create) and were not recorded: the table was full. Readable from any thread.</summary>
    public long NotLearned => Volatile.Read(ref _notLearned);

    /// <summary>Packets waiting for an address now.</summary>
    public int Waiting => QueueTotal - _freeQueueCount;

    /// <summary>The MAC of <paramref name="address"/> on <paramref name="iface"/> if resolved and not aged out.</summary>
    public bool TryLookup(int iface, TAddress address, long now, out MacAddress mac)
    {
        if (Find(iface, address) is var i and >= 0)
        {
            ref Entry e = ref _entries[i];
            if (e.State >= Complete)
            {
                if (e.State == Complete && now - e.Updated >= _reachable)
                {
                    StartProbe(ref e, now);
                }
                mac = e.Mac;
                return true;
            }
        }
        mac = default;
        return false;
    }

    /// <summary>
    /// Records that <paramref name="address"/> is at <paramref name="mac"/> on <paramref name="iface"/>. An existing
    /// entry (complete, or incomplete: a resolution finished) is updated; a new one is made only when
    /// <paramref name="create"/> (the neighbour asked us, RFC 826 "merge" plus RFC 1122's "addressed to us" rule).
    /// Returns the entry index (for <see cref="TryDequeue"/>), or -1 when nothing was recorded.
    /// </summary>
    public int Update(int iface, TAddress address, MacAddress mac, long now, bool create)
    {
        int i = Find(iface, address);
        if (i < 0)
        {
            if (!create)
            {
                return -1;
            }
            if (_freeEntryCount == 0 || Bound?.TryTake() == false)
            {
                _notLearned++;
                return -1;
            }
            i = _freeEntries[--_freeEntryCount];
            _entries[i] = new Entry { Address = address, Interface = iface, QueueHead = -1, QueueTail = -1 };
            Insert(i);
        }
        ref Entry e = ref _entries[i];
        e.Mac = mac;
        e.Updated = now;
        e.State = Complete;
        e.Tries = 0;
        return i;
    }

    /// <summary>
    /// Keeps a copy of <paramref name="packet"/> until <paramref name="address"/> on <paramref name="iface"/> resolves,
    /// starting the resolution if none is under way (then <paramref name="sendRequest"/> is true: send the first
    /// request now; later ones come from <see cref="OnTimer"/>). The caller still ends <paramref name="packet"/> itself.
    /// </summary>
    public NeighbourEnqueueResult Enqueue(int iface, TAddress address, Packet packet, long now, out bool sendRequest)
    {
        ArgumentNullException.ThrowIfNull(packet);
        bool start = false;
        sendRequest = false;
        int i = Find(iface, address);
        if (i < 0)
        {
            if (_freeEntryCount == 0 || Bound?.TryTake() == false)
            {
                return NeighbourEnqueueResult.TableFull;
            }
            i = _freeEntries[--_freeEntryCount];
            _entries[i] = new Entry { Address = address, Interface = iface, QueueHead = -1, QueueTail = -1 };
            Insert(i);
        }
        ref Entry e = ref _entries[i];
        if (e.State != Incomplete)
        {
            // New, or complete but aged out: resolve (again).
            e.State = Incomplete;
            e.Tries = 1;
            e.Updated = now;
            e.NextRetry = now + _retryInterval;
            start = true;
        }
        sendRequest = start;
        if (e.Queued >= QueueDepth || _freeQueueCount == 0 || packet.Offset + packet.Length > _queuePool.BufferSize)
        {
            return NeighbourEnqueueResult.QueueFull;
        }
        var copy = _queuePool.Rent()!;
        copy.CopyFrom(packet);
        int q = _freeQueue[--_freeQueueCount];
        _queue[q] = copy;
        _queueNext[q] = -1;
        if (e.QueueTail < 0)
        {
            e.QueueHead = q;
        }
        else
        {
            _queueNext[e.QueueTail] = q;
        }
        e.QueueTail = q;
        e.Queued++;
        return NeighbourEnqueueResult.Queued;
    }

    /// <summary>Takes the oldest packet waiting on entry <paramref name="entry"/> (from <see cref="Update"/>); give it back with <see cref="Release"/>.</summary>
    public bool TryDequeue(int entry, out Packet packet)
    {
        if ((uint)entry < (uint)_entries.Length)
        {
            ref Entry e = ref _entries[entry];
            int q = e.QueueHead;
            if (q >= 0)
            {
                packet = _queue[q]!;
                _queue[q] = null;
                e.QueueHead = _queueNext[q];
                if (e.QueueHead < 0)
                {
                    e.QueueTail = -1;
                }
                e.Queued--;
                _freeQueue[_freeQueueCount++] = q;
                return true;
            }
        }
        packet = null!;
        return false;
    }

    /// <summary>Gives back a packet from <see cref="TryDequeue"/>.</summary>
    public void Release(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        packet.Release();
    }

    /// <summary>
    /// Runs the timers (call every 100 ms or so): retries due requests, fails resolutions out of attempts (each
    /// waiting packet is handed to <paramref name="sink"/>, then freed), and removes aged-out complete entries.
    /// Returns how many resolutions failed. Walks every entry: O(<see cref="Capacity"/>).
    /// </summary>
    public int OnTimer(long now, INeighbourTimerSink<TAddress> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int failed = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.State == Probing && now >= e.NextRetry)
            {
                if (e.Tries < Attempts)
                {
                    e.Tries++;
                    e.NextRetry = now + _retryInterval;
                    sink.SendRequest(e.Interface, e.Address);
                    continue;
                }
                Remove(i); // no answer: the next packet resolves it from scratch
            }
            else if (e.State == Incomplete && now >= e.NextRetry)
            {
                var iface = e.Interface;
                var address = e.Address;
                if (e.Tries < Attempts)
                {
                    e.Tries++;
                    e.NextRetry = now + _retryInterval;
                    sink.SendRequest(iface, address);
                    continue;
                }
                failed++;
                while (TryDequeue(i, out var waiting))
                {
                    sink.ResolutionFailed(iface, address, waiting);
                    waiting.Release();
                }
                Remove(i);
            }
            else if (e.State == Complete && now - e.Updated >= 2 * _reachable)
            {
                Remove(i);
            }
        }
        return failed;
    }

    /// <summary>
    /// The first resolution under way (an entry waiting for its answer) at or after entry <paramref name="from"/>: its
    /// entry index, with its interface and address; -1 when there is none. For walking them all: from 0, then from the
    /// index returned + 1.
    /// </summary>
    public int NextIncomplete(int from, out int iface, out TAddress address)
    {
        for (int i = Math.Max(0, from); i < _entries.Length; i++)
        {
            if (_entries[i].State == Incomplete)
            {
                iface = _entries[i].Interface;
                address = _entries[i].Address;
                return i;
            }
        }
        iface = -1;
        address = default;
        return -1;
    }

    /// <summary>The entries, for display. Allocates; worker thread only.</summary>
    public IReadOnlyList<NeighbourEntry<TAddress>> Snapshot(long now)
    {
        var list = new List<NeighbourEntry<TAddress>>(_count);
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.State == Free)
            {
                continue;
            }
            var age = TimeSpan.FromTicks((long)((Int128)Math.Max(0, now - e.Updated) * TimeSpan.TicksPerSecond / _frequency));
            var state = e.State switch
            {
                Incomplete => NeighbourState.Incomplete,
                Probing => NeighbourState.Probe,
                _ when now - e.Updated >= _reachable => NeighbourState.Stale,
                _ => NeighbourState.Reachable,
            };
            list.Add(new NeighbourEntry<TAddress>(e.Interface, e.Address, e.Mac, state, age));
        }
        list.Sort(static (a, b) => a.Interface != b.Interface ? a.Interface.CompareTo(b.Interface) : a.Address.CompareTo(b.Address));
        return list;
    }

    // A stale entry in use: requests confirm it, the first at the next OnTimer.
    private static void StartProbe(ref Entry e, long now)
    {
        e.State = Probing;
        e.Tries = 0;
        e.NextRetry = now;
    }

    private void Remove(int i)
    {
        while (TryDequeue(i, out var waiting))
        {
            waiting.Release();
        }
        Unindex(i);
        _entries[i] = default;
        _freeEntries[_freeEntryCount++] = i;
        Bound?.Give();
    }

    private int Home(int iface, TAddress address)
    {
        ulong key = TAddress.Fold(address) ^ ((ulong)(uint)iface << 40);
        return (int)(((key ^ (key >> 29)) * 0x9E37_79B9_7F4A_7C15UL) >> _bucketShift);
    }

    private int Home(int entry) => Home(_entries[entry].Interface, _entries[entry].Address);

    private int Find(int iface, TAddress address)
    {
        int b = Home(iface, address);
        while (true)
        {
            int slot = _buckets[b];
            if (slot == 0)
            {
                return -1;
            }
            ref Entry e = ref _entries[slot - 1];
            if (e.Interface == iface && e.Address.Equals(address))
            {
                return slot - 1;
            }
            b = (b + 1) & _bucketMask;
        }
    }

    private void Insert(int entry)
    {
        int b = Home(entry);
        while (_buckets[b] != 0)
        {
            b = (b + 1) & _bucketMask;
        }
        _buckets[b] = entry + 1;
        _count++;
    }

    // Backward-shift deletion (Knuth 6.4, algorithm R), as MacTable does: no tombstones.
    private void Unindex(int entry)
    {
        int hole = Home(entry);
        while (_buckets[hole] - 1 != entry)
        {
            hole = (hole + 1) & _bucketMask;
        }
        int j = hole;
        while (true)
        {
            j = (j + 1) & _bucketMask;
            int slot = _buckets[j];
            if (slot == 0)
            {
                break;
            }
            int home = Home(slot - 1);
            if (((j - home) & _bucketMask) >= ((j - hole) & _bucketMask))
            {
                _buckets[hole] = slot;
                hole = j;
            }
        }
        _buckets[hole] = 0;
        _count--;
    }

    private long ToTimestamp(TimeSpan span) =>
        Math.Max(1, (long)Int128.Min(long.MaxValue / 4, (Int128)span.Ticks * _frequency / TimeSpan.TicksPerSecond));
}

/// <summary>The ARP cache (RFC 826): IPv4 neighbours. Shared by every function that speaks IPv4 on a link (the router, the DHCP server).</summary>
public sealed class ArpTable(int capacity, TimeSpan reachableTime, int queueDepth, int queueTotal, TimeSpan retryInterval, int attempts,
    long timestampFrequency, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength)
    : NeighbourTable<Ipv4Address>(capacity, reachableTime, queueDepth, queueTotal, retryInterval, attempts, timestampFrequency, bufferSize);

/// <summary>The IPv6 neighbour cache (RFC 4861 §5.1): neighbours found by neighbour solicitations.</summary>
public sealed class NeighbourCache(int capacity, TimeSpan reachableTime, int queueDepth, int queueTotal, TimeSpan retryInterval, int attempts,
    long timestampFrequency, int bufferSize = Packet.DefaultHeadroom + Packet.MaxFrameLength)
    : NeighbourTable<Ipv6Address>(capacity, reachableTime, queueDepth, queueTotal, retryInterval, attempts, timestampFrequency, bufferSize);

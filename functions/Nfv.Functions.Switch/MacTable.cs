using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nfv.Abstractions.Headers;
using Nfv.Ip;

namespace Nfv.Functions.Switch;

/// <summary>
/// The switch's forwarding database: (VLAN, MAC) → port, with ageing, bounded to <see cref="Capacity"/> entries.
/// Each VLAN learns independently (IVL): the same address may sit on different ports in different VLANs.
/// </summary>
/// <remarks>
/// <para>
/// An open-addressing hash table with linear probing, allocated once: the bucket array holds at least twice
/// <see cref="Capacity"/> slots, so it is never more than half full, probes stay short and an empty slot always
/// ends a probe. A key is the VLAN and the MAC packed in one <see cref="ulong"/> with a marker bit, so 0 means
/// an empty slot. Deletion shifts the following entries back (no tombstones, so lookups never slow down with
/// churn). The hash is seeded per table, so a host that sends crafted source addresses cannot aim them at one
/// probe chain.
/// </para>
/// <para>
/// Times are <see cref="TimeProvider.GetTimestamp"/> values of the caller's clock. An entry older than the
/// ageing time is dead at once for <see cref="Lookup"/> and <see cref="Learn"/>;
/// <see cref="RemoveExpired"/> reclaims its slot.
/// </para>
/// <para>
/// Threading: every method must be called by the one thread that owns the table (the dataplane worker running
/// the switch; the management API reads it there through <c>PipelineWorker.InvokeAsync</c>). Only
/// <see cref="Count"/> may be read from another thread (metrics).
/// </para>
/// </remarks>
public sealed class MacTable
{
    private const ulong Occupied = 1UL << 63;

    private struct Slot
    {
        public ulong Key;       // Occupied | vlan << 48 | mac; 0 = empty
        public long LastSeen;   // TimeProvider timestamp
        public int Port;
    }

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _shift;
    private readonly ulong _seed;
    private readonly long _ageing;
    private readonly long _frequency;
    private int _count;
    private readonly int[]? _portLimits; // most entries per port (0: no limit); null when no port has a limit
    private readonly int[]? _perPort;    // entries per port, kept only when some port has a limit

    /// <summary>Creates an empty table.</summary>
    /// <param name="capacity">The most entries it holds.</param>
    /// <param name="ageing">How long an entry lives unseen.</param>
    /// <param name="timestampFrequency"><see cref="TimeProvider.TimestampFrequency"/> of the clock the caller passes times from.</param>
    /// <param name="portLimits">
    /// The most entries each port may have (port security; 0: no limit), by port; null for no limit on any port. An entry
    /// counts against its port until it is removed, so an aged one frees its place at the next <see cref="RemoveExpired"/>.
    /// </param>
    public MacTable(int capacity, TimeSpan ageing, long timestampFrequency, IReadOnlyList<int>? portLimits = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 28);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ageing, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        Capacity = capacity;
        int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _slots = new Slot[buckets];
        _mask = buckets - 1;
        _shift = 64 - BitOperations.Log2((uint)buckets);
        _seed = (ulong)Random.Shared.NextInt64() | 1;
        _frequency = timestampFrequency;
        _ageing = (long)Int128.Min(long.MaxValue / 2, (Int128)ageing.Ticks * timestampFrequency / TimeSpan.TicksPerSecond);
        Ageing = ageing;
        if (portLimits is not null && portLimits.Any(limit => limit > 0))
        {
            _portLimits = [.. portLimits];
            _perPort = new int[_portLimits.Length];
        }
    }

    /// <summary>The most entries the table holds.</summary>
    public int Capacity { get; }

    /// <summary>How long an entry lives unseen.</summary>
    public TimeSpan Ageing { get; }

    /// <summary><see cref="Ageing"/> in ticks of the caller's clock, as entries are aged.</summary>
    internal long AgeingTicks => _ageing;

    /// <summary>Entries held, expired ones not yet removed included. Readable from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>True when no new address can be learned until entries expire.</summary>
    public bool IsFull => _count >= Capacity || Bound?.IsFull == true;

    /// <summary>
    /// The bound this table holds together with the tables of the switch's other instances, when it runs an instance per
    /// worker (null: <see cref="Capacity"/> alone). Set before the table is first used.
    /// </summary>
    public SharedBound? Bound { get; set; }

    /// <summary>
    /// Records that <paramref name="mac"/> was seen as a source on <paramref name="port"/> in <paramref name="vlan"/>
    /// at <paramref name="now"/>. Never allocates.
    /// </summary>
    public MacLearnResult Learn(int vlan, MacAddress mac, int port, long now)
    {
        ulong key = MakeKey(vlan, mac);
        ref Slot first = ref MemoryMarshal.GetArrayDataReference(_slots);
        int i = Home(key);
        while (true)
        {
            // i is always masked into the array: no bounds check needed.
            ref Slot slot = ref Unsafe.Add(ref first, i);
            if (slot.Key == key)
            {
                bool expired = now - slot.LastSeen >= _ageing;
                if (slot.Port == port)
                {
                    slot.LastSeen = now;
                    return expired ? MacLearnResult.Learned : MacLearnResult.Refreshed;
                }
                return Move(ref slot, port, now, expired);
            }
            if (slot.Key == 0)
            {
                return Insert(ref slot, key, port, now);
            }
            i = (i + 1) & _mask;
        }
    }

    // The rare cases of Learn, out of line so the refresh of a known address stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private MacLearnResult Move(ref Slot slot, int port, long now, bool expired)
    {
        if (_perPort is not null && !Charge(port, from: slot.Port))
        {
            return MacLearnResult.PortFull;
        }
        slot.LastSeen = now;
        slot.Port = port;
        return expired ? MacLearnResult.Learned : MacLearnResult.Moved;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MacLearnResult Insert(ref Slot slot, ulong key, int port, long now)
    {
        if (_count >= Capacity || Bound?.TryTake() == false)
        {
            return MacLearnResult.Full;
        }
        if (_perPort is not null && !Charge(port, from: -1))
        {
            Bound?.Give();
            return MacLearnResult.PortFull;
        }
        slot.Port = port;
        slot.LastSeen = now;
        slot.Key = key;
        _count++;
        return MacLearnResult.Learned;
    }

    // Port security: moves an entry's place from port 'from' (-1: a new entry) to 'port', unless 'port' is at its limit.
    private bool Charge(int port, int from)
    {
        if ((uint)port < (uint)_perPort!.Length)
        {
            int limit = _portLimits![port];
            if (limit > 0 && _perPort[port] >= limit)
            {
                return false;
            }
            _perPort[port]++;
        }
        if ((uint)from < (uint)_perPort.Length)
        {
            _perPort[from]--;
        }
        return true;
    }

    /// <summary>Entries on <paramref name="port"/>, when some port has a limit (otherwise not counted: -1).</summary>
    public int CountOn(int port) => _perPort is not null && (uint)port < (uint)_perPort.Length ? _perPort[port] : -1;

    /// <summary>
    /// The port <paramref name="mac"/> was learned on in <paramref name="vlan"/>, or -1 when it is unknown or its entry
    /// expired. Never allocates.
    /// </summary>
    public int Lookup(int vlan, MacAddress mac, long now)
    {
        ulong key = MakeKey(vlan, mac);
        ref Slot first = ref MemoryMarshal.GetArrayDataReference(_slots);
        int i = Home(key);
        while (true)
        {
            ref Slot slot = ref Unsafe.Add(ref first, i);
            if (slot.Key == key)
            {
                return now - slot.LastSeen < _ageing ? slot.Port : -1;
            }
            if (slot.Key == 0)
            {
                return -1;
            }
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Forgets one entry; false when there was none.</summary>
    public bool Remove(int vlan, MacAddress mac)
    {
        ulong key = MakeKey(vlan, mac);
        int i = Home(key);
        while (true)
        {
            ulong k = _slots[i].Key;
            if (k == key)
            {
                DeleteAt(i);
                return true;
            }
            if (k == 0)
            {
                return false;
            }
            i = (i + 1) & _mask;
        }
    }

    /// <summary>
    /// Removes every entry not seen for the ageing time and returns how many. Walks the whole bucket array
    /// (about 1 ns per bucket), so call it periodically, not per packet.
    /// </summary>
    public int RemoveExpired(long now)
    {
        var slots = _slots;
        int removed = 0;
        int i = 0;
        while (i < slots.Length)
        {
            ref Slot slot = ref slots[i];
            if (slot.Key != 0 && now - slot.LastSeen >= _ageing)
            {
                // The backward shift may move a later (not yet examined) entry into slot i: look at i again.
                DeleteAt(i);
                removed++;
                continue;
            }
            i++;
        }
        return removed;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with the VLAN, address, port and last sighting of every live entry, in table order.
    /// Walks the whole bucket array, like <see cref="RemoveExpired"/>; allocates nothing itself.
    /// </summary>
    public void ForEachLive(long now, Action<int, MacAddress, int, long> visit)
    {
        foreach (ref readonly Slot slot in _slots.AsSpan())
        {
            if (slot.Key != 0 && now - slot.LastSeen < _ageing)
            {
                visit(VlanOf(slot.Key), MacOf(slot.Key), slot.Port, slot.LastSeen);
            }
        }
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        Bound?.Give(_count);
        _count = 0;
        if (_perPort is not null)
        {
            Array.Clear(_perPort);
        }
    }

    /// <summary>
    /// A copy of the live entries (expired ones left out), sorted by VLAN then MAC. Allocates; like every other
    /// method, call it on the thread that owns the table (the host reads tables through the worker).
    /// </summary>
    /// <param name="now">The current time from the same clock as the one the table is fed with.</param>
    public IReadOnlyList<MacTableEntry> Snapshot(long now)
    {
        var entries = new List<MacTableEntry>(_count);
        foreach (ref readonly Slot slot in _slots.AsSpan())
        {
            long age = now - slot.LastSeen;
            if (slot.Key == 0 || age >= _ageing)
            {
                continue;
            }
            entries.Add(new MacTableEntry(VlanOf(slot.Key), MacOf(slot.Key), slot.Port,
                TimeSpan.FromTicks((long)((Int128)Math.Max(0, age) * TimeSpan.TicksPerSecond / _frequency))));
        }
        entries.Sort(static (a, b) => a.Vlan != b.Vlan ? a.Vlan.CompareTo(b.Vlan) : a.Mac.Value.CompareTo(b.Mac.Value));
        return entries;
    }

    private static ulong MakeKey(int vlan, MacAddress mac) =>
        Occupied | ((ulong)(uint)(vlan & 0xFFF) << 48) | (mac.Value & 0xFFFF_FFFF_FFFFUL);

    private static int VlanOf(ulong key) => (int)(key >> 48) & 0xFFF;

    private static MacAddress MacOf(ulong key) => new(key & 0xFFFF_FFFF_FFFFUL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key)
    {
        // Seeded multiply-xorshift-multiply; the top bits of the product are the best mixed (Fibonacci hashing).
        ulong h = (key ^ _seed) * 0x9E37_79B9_7F4A_7C15UL;
        h = (h ^ (h >> 29)) * 0xBF58_476D_1CE4_E5B9UL;
        return (int)(h >> _shift);
    }

    // Backward-shift deletion (Knuth 6.4, algorithm R): pull each following entry of the probe run into the
    // hole unless that would put it before its home bucket.
    private void DeleteAt(int hole)
    {
        var slots = _slots;
        if (_perPort is not null && (uint)slots[hole].Port < (uint)_perPort.Length)
        {
            _perPort[slots[hole].Port]--;
        }
        int j = hole;
        while (true)
        {
            j = (j + 1) & _mask;
            ulong key = slots[j].Key;
            if (key == 0)
            {
                break;
            }
            int home = Home(key);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = default;
        _count--;
        Bound?.Give();
    }
}

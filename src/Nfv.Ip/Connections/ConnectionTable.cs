using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Nfv.Ip.Connections;

/// <summary>One tracked connection's state; its two keys are the table's (<see cref="ConnectionTable.OriginalKey"/>, <see cref="ConnectionTable.ReplyKey"/>).</summary>
public struct Connection
{
    /// <summary>When it expires, as <see cref="TimeProvider.GetTimestamp"/>: it never matches from then on.</summary>
    public long Expires;

    /// <summary>Packets seen, both ways, counted by the feature that times the connection.</summary>
    public long Packets;

    /// <summary>What a TCP connection has seen; <see cref="TcpSeen.None"/> for other protocols.</summary>
    public TcpSeen Tcp;

    /// <summary>True while the slot holds a connection.</summary>
    public bool InUse;
}

/// <summary>
/// Connection tracking as the firewall and the NAT share it: each connection is found by either direction's key (two
/// entries per connection in one chained hash table), bounded by its capacity, expired exactly (an expired connection
/// never matches) and reclaimed by a sweep from a timer. A connection's reply key is its original key reversed, or what
/// a NAT translates the reply to. Arrays allocated once; nothing allocates per packet.
/// </summary>
/// <remarks>
/// <para>
/// What a user keeps of a connection besides its state (the firewall's rule, the NAT's mapping) goes in arrays of its own
/// indexed by the connection's slot, cleared on <see cref="Removing"/>.
/// </para>
/// <para>
/// The keys come from the network, so the hash is keyed with a seed chosen per table and goes through two
/// multiplications (bench/README.md): flows crafted to collide without the seed spread as random ones do. One worker
/// thread only; <see cref="Count"/> may be read from any.
/// </para>
/// </remarks>
public sealed class ConnectionTable
{
    private readonly Connection[] _connections;
    private readonly FlowKey[] _keys;     // entry 2c: connection c's original direction; 2c+1: its reply direction
    private readonly int[] _next;          // chain of each entry; -1 ends it
    private readonly int[] _buckets;       // first entry of each chain; -1 when empty
    private readonly int[] _free;          // free connection slots, a stack
    private readonly int _mask;
    private readonly ulong _seed;
    private int _freeCount;
    private int _sweep;

    /// <param name="capacity">Most connections.</param>
    /// <param name="seed">The hash's seed; random unless a test fixes it.</param>
    public ConnectionTable(int capacity, ulong? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _connections = new Connection[capacity];
        _keys = new FlowKey[capacity * 2];
        _next = new int[capacity * 2];
        int buckets = (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
        _buckets = new int[buckets];
        Array.Fill(_buckets, -1);
        _mask = buckets - 1;
        _free = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }
        _freeCount = capacity;
        _seed = seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Called with a connection's slot just before it is removed (expired, swept or <see cref="Remove"/>d).</summary>
    public event Action<int>? Removing;

    /// <summary>Most connections.</summary>
    public int Capacity => _connections.Length;

    /// <summary>Connections tracked, expired ones not yet reclaimed included; safe to read from any thread.</summary>
    public int Count => Capacity - Volatile.Read(ref _freeCount);

    /// <summary>The connection in slot <paramref name="index"/>.</summary>
    public ref Connection this[int index] => ref _connections[index];

    /// <summary>The key of the direction that opened connection <paramref name="index"/>.</summary>
    public FlowKey OriginalKey(int index) => _keys[2 * index];

    /// <summary>The key of the replies of connection <paramref name="index"/>.</summary>
    public FlowKey ReplyKey(int index) => _keys[(2 * index) + 1];

    /// <summary>The connection <paramref name="key"/> belongs to, in either direction, or -1; an expired one is removed.</summary>
    /// <param name="key">The packet's key.</param>
    /// <param name="now">The time, as <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <param name="reply">True when the packet goes the reply direction.</param>
    public int Find(FlowKey key, long now, out bool reply)
    {
        for (int e = _buckets[Bucket(key)]; e >= 0; e = _next[e])
        {
            ref readonly var entry = ref _keys[e];
            if (entry.A == key.A && entry.B == key.B)
            {
                int c = e >> 1;
                if (_connections[c].Expires <= now)
                {
                    Remove(c);
                    break;
                }
                reply = (e & 1) != 0;
                return c;
            }
        }
        reply = false;
        return -1;
    }

    /// <summary>
    /// Tracks a new connection opened by a packet of key <paramref name="original"/>, whose replies come as
    /// <paramref name="reply"/>; -1 when the table is full. The caller has looked both keys up first.
    /// </summary>
    public int Add(FlowKey original, FlowKey reply, long expires)
    {
        if (_freeCount == 0)
        {
            return -1;
        }
        int c = _free[--_freeCount];
        _connections[c] = new Connection { Expires = expires, InUse = true };
        Link(2 * c, original);
        Link((2 * c) + 1, reply);
        return c;
    }

    /// <summary>Tracks a new connection whose replies are its packets reversed (no translation).</summary>
    public int Add(FlowKey original, long expires) => Add(original, original.Reversed, expires);

    /// <summary>
    /// True when connection <paramref name="index"/>'s replies are not its packets reversed: a NAT translates it, and
    /// times it (other features leave its expiry alone).
    /// </summary>
    public bool IsTranslated(int index) => _keys[(2 * index) + 1] != _keys[2 * index].Reversed;

    /// <summary>
    /// A NAT translates connection <paramref name="index"/>, tracked until now without translation: its replies come as
    /// <paramref name="reply"/> from now on.
    /// </summary>
    public void Translate(int index, FlowKey reply)
    {
        Unlink((2 * index) + 1);
        Link((2 * index) + 1, reply);
    }

    /// <summary>Stops tracking connection <paramref name="index"/>.</summary>
    public void Remove(int index)
    {
        Removing?.Invoke(index);
        Unlink(2 * index);
        Unlink((2 * index) + 1);
        _connections[index].InUse = false;
        _free[_freeCount] = index;
        Volatile.Write(ref _freeCount, _freeCount + 1);
    }

    /// <summary>
    /// Reclaims the expired connections among the next <paramref name="budget"/> slots, from where the last sweep stopped,
    /// so one call costs a bounded time. Returns how many it removed.
    /// </summary>
    public int Sweep(long now, int budget)
    {
        int removed = 0;
        for (int i = 0; i < budget && i < _connections.Length; i++)
        {
            _sweep = _sweep + 1 < _connections.Length ? _sweep + 1 : 0;
            ref var connection = ref _connections[_sweep];
            if (connection.InUse && connection.Expires <= now)
            {
                Remove(_sweep);
                removed++;
            }
        }
        return removed;
    }

    private void Link(int entry, FlowKey key)
    {
        _keys[entry] = key;
        ref int head = ref _buckets[Bucket(key)];
        _next[entry] = head;
        head = entry;
    }

    private void Unlink(int entry)
    {
        ref int link = ref _buckets[Bucket(_keys[entry])];
        while (link != entry)
        {
            link = ref _next[link];
        }
        link = _next[entry];
    }

    /// <summary>The chain <paramref name="key"/> is kept in (for the test that crafts colliding keys).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Bucket(FlowKey key)
    {
        // The second word (ports, VLAN, protocol) must go through two rounds as well: folded in after the first, with
        // one round left, the ports (its top bits) never reached the bucket's bits (HashFloodTests found it).
        ulong h = (key.A ^ _seed) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= h >> 32;
        h = (h ^ key.B) * 0xD6E8_FEB8_6659_FD93UL;
        h ^= h >> 32;
        h *= 0x94D0_49BB_1331_11EBUL;
        return (int)(h ^ (h >> 32)) & _mask;
    }

    /// <summary>The longest chain now: what a lookup walks at worst (for the test that crafts colliding keys).</summary>
    public int LongestChain()
    {
        int longest = 0;
        foreach (int head in _buckets)
        {
            int length = 0;
            for (int e = head; e >= 0; e = _next[e])
            {
                length++;
            }
            longest = Math.Max(longest, length);
        }
        return longest;
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Firewall;

/// <summary>Where a TCP connection is, as far as its idle time goes.</summary>
internal enum TcpState : byte
{
    /// <summary>Not TCP.</summary>
    None = 0,

    /// <summary>The SYN went out; no reply yet.</summary>
    Opening = 1,

    /// <summary>The other side answered.</summary>
    Established = 2,

    /// <summary>A FIN was seen.</summary>
    Closing = 3,

    /// <summary>A RST was seen.</summary>
    Reset = 4,
}

/// <summary>One tracked connection: its original direction's tuple, the rule that let it in, its state and timer.</summary>
internal struct Connection
{
    public FlowKey Original;
    public long Expires;
    public long Packets;
    public int Rule;
    public TcpState Tcp;
    public bool InUse;
}

/// <summary>
/// A connection's 5-tuple and VLAN as two words, as Linux conntrack keeps a tuple per direction: <see cref="A"/> is
/// source and destination address, <see cref="B"/> source port, destination port, VLAN and protocol. For ICMP echo the
/// identifier is the request's source port and the reply's destination port, so a reply's key is its request's reversed.
/// </summary>
internal readonly record struct FlowKey(ulong A, ulong B)
{
    public static FlowKey Of(uint source, uint destination, ushort sourcePort, ushort destinationPort, int vlan, byte protocol) =>
        new((ulong)source << 32 | destination, (ulong)sourcePort << 48 | (ulong)destinationPort << 32 | (ulong)(uint)vlan << 16 | protocol);

    public uint Source => (uint)(A >> 32);

    public uint Destination => (uint)A;

    public ushort SourcePort => (ushort)(B >> 48);

    public ushort DestinationPort => (ushort)(B >> 32);

    public int Vlan => (int)(B >> 16) & 0xFFFF;

    public byte Protocol => (byte)B;

    /// <summary>The key of the other direction.</summary>
    public FlowKey Reversed => Of(Destination, Source, DestinationPort, SourcePort, Vlan, Protocol);
}

/// <summary>
/// The firewall's connection table: each connection is found by either direction's key (two entries per connection in
/// one hash table, chained), bounded by <c>max-connections</c>, expired exactly (an expired connection never matches)
/// and reclaimed by a sweep from the timer. Arrays allocated once; nothing allocates per packet.
/// </summary>
/// <remarks>
/// The keys come from the network, so the hash is keyed with a seed chosen per table and goes through two
/// multiplications, as the NAT's (bench/README.md): flows crafted to collide without the seed spread as random ones do.
/// </remarks>
internal sealed class ConnectionTable
{
    private readonly Connection[] _connections;
    private readonly FlowKey[] _keys;     // entry 2c: connection c's original direction; 2c+1: its reply direction
    private readonly int[] _next;          // chain of each entry; -1 ends it
    private readonly int[] _buckets;       // first entry of each chain; -1 when empty
    private readonly int[] _free;          // free connection slots, a stack
    private readonly int _mask;
    private readonly ulong _seed;
    private readonly EventCounters<FirewallEvent> _events;
    private int _freeCount;
    private int _sweep;

    /// <param name="capacity">Most connections.</param>
    /// <param name="events">Where removals are counted (<see cref="FirewallEvent.Expired"/>).</param>
    /// <param name="seed">The hash's seed; random unless a test fixes it.</param>
    public ConnectionTable(int capacity, EventCounters<FirewallEvent> events, ulong? seed = null)
    {
        _connections = new Connection[capacity];
        _keys = new FlowKey[capacity * 2];
        _next = new int[capacity * 2];
        int buckets = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
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
        _events = events;
    }

    public int Capacity => _connections.Length;

    /// <summary>Connections tracked, expired ones not yet reclaimed included; safe to read from any thread.</summary>
    public int Count => Capacity - Volatile.Read(ref _freeCount);

    public ref Connection this[int index] => ref _connections[index];

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

    /// <summary>Tracks a new connection whose original direction is <paramref name="key"/>; -1 when the table is full.</summary>
    public int Add(FlowKey key, int rule, TcpState tcp, long expires)
    {
        if (_freeCount == 0)
        {
            return -1;
        }
        int c = _free[--_freeCount];
        _connections[c] = new Connection { Original = key, Rule = rule, Tcp = tcp, Expires = expires, Packets = 1, InUse = true };
        Link(2 * c, key);
        Link((2 * c) + 1, key.Reversed);
        return c;
    }

    /// <summary>Reclaims up to <paramref name="budget"/> slots' worth of expired connections, from where the last sweep stopped.</summary>
    public void Sweep(long now, int budget)
    {
        for (int i = 0; i < budget && i < _connections.Length; i++)
        {
            _sweep = _sweep + 1 < _connections.Length ? _sweep + 1 : 0;
            ref var connection = ref _connections[_sweep];
            if (connection.InUse && connection.Expires <= now)
            {
                Remove(_sweep);
            }
        }
    }

    private void Remove(int c)
    {
        Unlink(2 * c);
        Unlink((2 * c) + 1);
        _connections[c].InUse = false;
        _free[_freeCount] = c;
        Volatile.Write(ref _freeCount, _freeCount + 1);
        _events.Increment(FirewallEvent.Expired);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Bucket(FlowKey key)
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

    /// <summary>The longest chain, for the test that floods the table with crafted keys.</summary>
    internal int LongestChain()
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

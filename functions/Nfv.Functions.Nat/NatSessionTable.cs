using System.Numerics;
using System.Runtime.CompilerServices;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>
/// The NAT's state: mappings (an inside endpoint and the external endpoint it is seen as; RFC 4787 endpoint-independent
/// mapping, so one per inside endpoint) and sessions (a mapping and one remote endpoint it talks to, with the TCP state
/// and expiry). Everything is preallocated at start: structs in arrays, chained hash indices of <see cref="int"/>s, a port
/// bitmap per protocol and external address; nothing allocates per packet.
/// </summary>
/// <remarks>
/// <para>
/// Lookups, both directions O(1): outbound, mapping by inside endpoint, then session by (mapping, remote); inbound,
/// mapping by external endpoint, then session by (mapping, remote). Each mapping keeps a doubly linked list of its
/// sessions, walked only on the slow path (a filter decision for a remote it has no session with).
/// </para>
/// <para>
/// Expiry is exact: a session whose time has passed never matches (the caller removes it when it meets it), and
/// <see cref="Sweep"/> reclaims the rest a slice at a time. A dynamic mapping lives while it has sessions; a static one
/// (a port forward) forever. Worker thread only; <see cref="SessionCount"/> and <see cref="MappingCount"/> are plain
/// reads for other threads.
/// </para>
/// </remarks>
internal sealed class NatSessionTable
{
    /// <summary>
    /// A mapping: inside endpoint ↔ external endpoint. With address-dependent mapping the remote address is part of the
    /// inside key (<see cref="RemoteKey"/>), with address-and-port-dependent mapping its port too; 0 otherwise.
    /// </summary>
    public struct Mapping
    {
        public uint InsideAddress;
        public uint RemoteKey;
        public ushort RemotePortKey;
        public uint ExternalAddress;
        public ushort InsidePort;
        public ushort ExternalPort;
        public byte Protocol;
        public bool InUse;
        public bool Static;
        public byte External; // index of ExternalAddress among the NAT's external addresses
        public int Sessions;
        public int FirstSession;
        public int NextByInside;   // hash chain, or the free list
        public int NextByExternal;
    }

    /// <summary>A session: a mapping and one remote endpoint.</summary>
    public struct Session
    {
        public int Mapping;
        public uint RemoteAddress;
        public ushort RemotePort;
        public byte Tcp;   // NatTcpFlags
        public bool InUse;
        public long Expires;
        public int Next;   // hash chain, or the free list
        public int NextOfMapping;
        public int PrevOfMapping;
    }

    private readonly Mapping[] _mappings;
    private readonly Session[] _sessions;
    private readonly int[] _byInside;
    private readonly int[] _byExternal;
    private readonly int[] _sessionBuckets;
    private readonly int _mappingMask;
    private readonly int _sessionMask;
    private int _freeMapping;
    private int _freeSession;
    private int _sweepCursor;

    private readonly HostCounts _hosts;
    private readonly ulong[][] _ports; // [protocol index * externals + external] → 65536 bits
    private readonly int[] _portCursor;
    private readonly int _externals;
    private readonly int _portMin;
    private readonly int _portMax;
    private readonly ulong _seed;

    /// <summary>Makes a table of <paramref name="maxSessions"/> sessions, with every entry allocated now.</summary>
    /// <param name="maxSessions">Most sessions (and dynamic mappings).</param>
    /// <param name="staticMappings">Mappings set aside for port forwards.</param>
    /// <param name="externals">External addresses.</param>
    /// <param name="portMin">Lowest external port handed out.</param>
    /// <param name="portMax">Highest external port handed out.</param>
    /// <param name="seed">The hashes' key; null for a random one (always, but in the test that shows why).</param>
    public NatSessionTable(int maxSessions, int staticMappings, int externals, int portMin, int portMax, ulong? seed = null)
    {
        _seed = seed ?? ((ulong)Random.Shared.NextInt64() | 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(externals, 1);
        SessionCapacity = maxSessions;
        _externals = externals;
        _portMin = portMin;
        _portMax = portMax;
        int mappingCapacity = maxSessions + staticMappings;
        _mappings = new Mapping[mappingCapacity];
        _sessions = new Session[maxSessions];
        int mappingBuckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, mappingCapacity * 2));
        int sessionBuckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, maxSessions * 2));
        _byInside = new int[mappingBuckets];
        _byExternal = new int[mappingBuckets];
        _sessionBuckets = new int[sessionBuckets];
        Array.Fill(_byInside, -1);
        Array.Fill(_byExternal, -1);
        Array.Fill(_sessionBuckets, -1);
        _mappingMask = mappingBuckets - 1;
        _sessionMask = sessionBuckets - 1;
        for (int i = 0; i < _mappings.Length; i++)
        {
            _mappings[i].NextByInside = i + 1 < _mappings.Length ? i + 1 : -1;
        }
        for (int i = 0; i < _sessions.Length; i++)
        {
            _sessions[i].Next = i + 1 < _sessions.Length ? i + 1 : -1;
        }
        _freeMapping = 0;
        _freeSession = 0;
        _hosts = new HostCounts(maxSessions, _seed);
        _ports = new ulong[3 * externals][];
        for (int i = 0; i < _ports.Length; i++)
        {
            _ports[i] = new ulong[65536 / 64];
        }
        _portCursor = new int[_ports.Length];
        Array.Fill(_portCursor, portMin);
    }

    /// <summary>Most sessions.</summary>
    public int SessionCapacity { get; }

    /// <summary>Sessions now.</summary>
    public int SessionCount { get; private set; }

    /// <summary>Mappings now (static ones included).</summary>
    public int MappingCount { get; private set; }

    /// <summary>The mapping at <paramref name="index"/>.</summary>
    public ref Mapping MappingAt(int index) => ref _mappings[index];

    /// <summary>The session at <paramref name="index"/>.</summary>
    public ref Session SessionAt(int index) => ref _sessions[index];

    /// <summary>Slots of the mapping array (for listing).</summary>
    public int MappingSlots => _mappings.Length;

    /// <summary>Slots of the session array (for listing).</summary>
    public int SessionSlots => _sessions.Length;

    /// <summary>Sessions of inside host <paramref name="address"/>.</summary>
    public int HostSessions(uint address) => _hosts.Get(address);

    /// <summary>The mapping of an inside endpoint (and remote key, for the dependent mapping modes), or -1.</summary>
    public int FindByInside(byte protocol, uint address, ushort port, uint remoteKey = 0, ushort remotePortKey = 0)
    {
        int i = _byInside[InsideHash(protocol, address, port, remoteKey, remotePortKey) & _mappingMask];
        while (i >= 0)
        {
            ref var m = ref _mappings[i];
            if (m.InsideAddress == address && m.InsidePort == port && m.Protocol == protocol && m.RemoteKey == remoteKey &&
                m.RemotePortKey == remotePortKey)
            {
                return i;
            }
            i = m.NextByInside;
        }
        return -1;
    }

    /// <summary>The mapping of an external endpoint, or -1.</summary>
    public int FindByExternal(byte protocol, uint address, ushort port)
    {
        int i = _byExternal[Hash(protocol, address, port) & _mappingMask];
        while (i >= 0)
        {
            ref var m = ref _mappings[i];
            if (m.ExternalAddress == address && m.ExternalPort == port && m.Protocol == protocol)
            {
                return i;
            }
            i = m.NextByExternal;
        }
        return -1;
    }

    /// <summary>The session of <paramref name="mapping"/> with a remote endpoint, or -1 (expired ones included).</summary>
    public int FindSession(int mapping, uint remoteAddress, ushort remotePort)
    {
        int i = _sessionBuckets[SessionHash(mapping, remoteAddress, remotePort) & _sessionMask];
        while (i >= 0)
        {
            ref var s = ref _sessions[i];
            if (s.Mapping == mapping && s.RemoteAddress == remoteAddress && s.RemotePort == remotePort)
            {
                return i;
            }
            i = s.Next;
        }
        return -1;
    }

    /// <summary>
    /// True when <paramref name="mapping"/> has a session alive at <paramref name="now"/>, with remote address
    /// <paramref name="remoteAddress"/> when it is not null. Walks the mapping's sessions: slow path.
    /// </summary>
    public bool HasLiveSession(int mapping, uint? remoteAddress, long now)
    {
        for (int i = _mappings[mapping].FirstSession; i >= 0; i = _sessions[i].NextOfMapping)
        {
            ref var s = ref _sessions[i];
            if (s.Expires > now && (remoteAddress is null || s.RemoteAddress == remoteAddress.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the external port is free for a new mapping.</summary>
    public bool IsPortFree(byte protocol, int external, ushort port) => !IsSet(_ports[PortSet(protocol, external)], port);

    /// <summary>
    /// Makes a mapping for an inside endpoint on external address <paramref name="external"/>: the inside port when it
    /// is free and in the range (RFC 4787 REQ-4, port preservation; an ICMP identifier is kept when free whatever its
    /// value, since identifiers have no privileged range), else the next free port of the range.
    /// Returns -1 when no port is free. Static mappings (forwards) take exactly <paramref name="staticPort"/>.
    /// </summary>
    public int AddMapping(byte protocol, uint insideAddress, ushort insidePort, int external, uint externalAddress, int staticPort = -1,
        uint remoteKey = 0, ushort remotePortKey = 0)
    {
        if (_freeMapping < 0)
        {
            return -1;
        }
        int set = PortSet(protocol, external);
        var bits = _ports[set];
        int port;
        if (staticPort >= 0)
        {
            port = staticPort;
        }
        else if ((protocol == Ipv4Header.ProtocolIcmp || (insidePort >= _portMin && insidePort <= _portMax)) && !IsSet(bits, insidePort))
        {
            port = insidePort;
        }
        else
        {
            port = NextFreePort(bits, ref _portCursor[set]);
            if (port < 0)
            {
                return -1;
            }
        }
        bits[port >> 6] |= 1UL << (port & 63);

        int index = _freeMapping;
        ref var m = ref _mappings[index];
        _freeMapping = m.NextByInside;
        m = new Mapping
        {
            InsideAddress = insideAddress,
            InsidePort = insidePort,
            RemoteKey = remoteKey,
            RemotePortKey = remotePortKey,
            ExternalAddress = externalAddress,
            ExternalPort = (ushort)port,
            Protocol = protocol,
            External = (byte)external,
            InUse = true,
            Static = staticPort >= 0,
            FirstSession = -1,
        };
        ref int insideHead = ref _byInside[InsideHash(protocol, insideAddress, insidePort, remoteKey, remotePortKey) & _mappingMask];
        m.NextByInside = insideHead;
        insideHead = index;
        ref int externalHead = ref _byExternal[Hash(protocol, externalAddress, (ushort)port) & _mappingMask];
        m.NextByExternal = externalHead;
        externalHead = index;
        MappingCount++;
        return index;
    }

    /// <summary>
    /// Adds a session to <paramref name="mapping"/>. Returns -1 with <paramref name="refused"/> set when the table or the
    /// inside host is at its bound.
    /// </summary>
    public int AddSession(int mapping, uint remoteAddress, ushort remotePort, long expires, int maxPerHost, out NatDrop refused)
    {
        refused = default;
        if (_freeSession < 0)
        {
            refused = NatDrop.SessionLimit;
            return -1;
        }
        ref var m = ref _mappings[mapping];
        if (!_hosts.TryIncrement(m.InsideAddress, maxPerHost))
        {
            refused = NatDrop.HostLimit;
            return -1;
        }
        int index = _freeSession;
        ref var s = ref _sessions[index];
        _freeSession = s.Next;
        s = new Session
        {
            Mapping = mapping,
            RemoteAddress = remoteAddress,
            RemotePort = remotePort,
            Expires = expires,
            InUse = true,
            PrevOfMapping = -1,
            NextOfMapping = m.FirstSession,
        };
        if (m.FirstSession >= 0)
        {
            _sessions[m.FirstSession].PrevOfMapping = index;
        }
        m.FirstSession = index;
        m.Sessions++;
        ref int head = ref _sessionBuckets[SessionHash(mapping, remoteAddress, remotePort) & _sessionMask];
        s.Next = head;
        head = index;
        SessionCount++;
        return index;
    }

    /// <summary>Removes a session; a dynamic mapping left without sessions goes with it (its port is free again).</summary>
    public void RemoveSession(int index)
    {
        ref var s = ref _sessions[index];
        int mapping = s.Mapping;
        ref var m = ref _mappings[mapping];
        Unlink(ref _sessionBuckets[SessionHash(mapping, s.RemoteAddress, s.RemotePort) & _sessionMask], index);
        if (s.PrevOfMapping >= 0)
        {
            _sessions[s.PrevOfMapping].NextOfMapping = s.NextOfMapping;
        }
        else
        {
            m.FirstSession = s.NextOfMapping;
        }
        if (s.NextOfMapping >= 0)
        {
            _sessions[s.NextOfMapping].PrevOfMapping = s.PrevOfMapping;
        }
        _hosts.Decrement(m.InsideAddress);
        s.InUse = false;
        s.Mapping = -1;
        s.Next = _freeSession;
        _freeSession = index;
        SessionCount--;
        m.Sessions--;
        if (m.Sessions == 0 && !m.Static)
        {
            RemoveMapping(mapping);
        }
    }

    /// <summary>Removes a dynamic mapping that has no session (one made for a session the bounds then refused).</summary>
    public void ReleaseIfUnused(int index)
    {
        ref var m = ref _mappings[index];
        if (m.InUse && m.Sessions == 0 && !m.Static)
        {
            RemoveMapping(index);
        }
    }

    private void RemoveMapping(int index)
    {
        ref var m = ref _mappings[index];
        UnlinkMapping(ref _byInside[InsideHash(m.Protocol, m.InsideAddress, m.InsidePort, m.RemoteKey, m.RemotePortKey) & _mappingMask], index, inside: true);
        UnlinkMapping(ref _byExternal[Hash(m.Protocol, m.ExternalAddress, m.ExternalPort) & _mappingMask], index, inside: false);
        var bits = _ports[PortSet(m.Protocol, m.External)];
        bits[m.ExternalPort >> 6] &= ~(1UL << (m.ExternalPort & 63));
        m.InUse = false;
        m.NextByInside = _freeMapping;
        _freeMapping = index;
        MappingCount--;
    }

    /// <summary>
    /// Removes sessions expired at <paramref name="now"/> among the next <paramref name="budget"/> slots (round robin), so
    /// one call costs a bounded time. Returns how many it removed.
    /// </summary>
    public int Sweep(long now, int budget)
    {
        int removed = 0;
        int slots = _sessions.Length;
        budget = Math.Min(budget, slots);
        for (int n = 0; n < budget; n++)
        {
            int i = _sweepCursor;
            _sweepCursor = i + 1 == slots ? 0 : i + 1;
            if (_sessions[i].InUse && _sessions[i].Expires <= now)
            {
                RemoveSession(i);
                removed++;
            }
        }
        return removed;
    }

    private int NextFreePort(ulong[] bits, ref int cursor)
    {
        int span = _portMax - _portMin + 1;
        int port = cursor;
        for (int n = 0; n < span; n++)
        {
            if (port > _portMax || port < _portMin)
            {
                port = _portMin;
            }
            if (!IsSet(bits, port))
            {
                cursor = port + 1;
                return port;
            }
            port++;
        }
        return -1;
    }

    private void Unlink(ref int head, int index)
    {
        if (head == index)
        {
            head = _sessions[index].Next;
            return;
        }
        int i = head;
        while (i >= 0)
        {
            int next = _sessions[i].Next;
            if (next == index)
            {
                _sessions[i].Next = _sessions[index].Next;
                return;
            }
            i = next;
        }
    }

    private void UnlinkMapping(ref int head, int index, bool inside)
    {
        ref int link = ref head;
        while (link >= 0)
        {
            if (link == index)
            {
                link = inside ? _mappings[index].NextByInside : _mappings[index].NextByExternal;
                return;
            }
            link = ref inside ? ref _mappings[link].NextByInside : ref _mappings[link].NextByExternal;
        }
    }

    private int PortSet(byte protocol, int external) => ProtocolIndex(protocol) * _externals + external;

    private static int ProtocolIndex(byte protocol) => protocol switch
    {
        Ipv4Header.ProtocolTcp => 0,
        Ipv4Header.ProtocolUdp => 1,
        _ => 2,
    };

    private static bool IsSet(ulong[] bits, int port) => (bits[port >> 6] & (1UL << (port & 63))) != 0;

    // The hashes are keyed with a seed chosen per table, as the switch's MAC table is: the keys come from the network,
    // and with a fixed hash an attacker could send only flows that land in one chain. The seed must go through two
    // multiplications: with one (xor, multiply, xorshift), keys crafted to collide without a seed still shared chains
    // of 10 to 45 under one random seed in twenty (HashFloodTests found a chain of 11; a simulation of 3,000 seeds showed
    // the tail). Two rounds make them spread as random keys do (a longest chain of 3 to 7 for 400 keys in 1,024 buckets).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Mix(ulong key) => Mix(key, _seed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(ulong key, ulong seed)
    {
        ulong h = (key ^ seed) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= h >> 32;
        h *= 0xD6E8_FEB8_6659_FD93UL;
        return (int)(h ^ (h >> 32));
    }

    /// <summary>The bucket of a session's chain (for the test that crafts colliding keys).</summary>
    internal int SessionBucket(int mapping, uint remoteAddress, ushort remotePort) => SessionHash(mapping, remoteAddress, remotePort) & _sessionMask;

    /// <summary>The longest session chain now: what a lookup walks at worst (for the test that crafts colliding keys).</summary>
    internal int LongestSessionChain()
    {
        int longest = 0;
        foreach (int head in _sessionBuckets)
        {
            int length = 0;
            for (int i = head; i >= 0; i = _sessions[i].Next)
            {
                length++;
            }
            longest = Math.Max(longest, length);
        }
        return longest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(byte protocol, uint address, ushort port) => Mix((ulong)address << 24 | (ulong)port << 8 | protocol);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int InsideHash(byte protocol, uint address, ushort port, uint remoteKey, ushort remotePortKey) =>
        Mix(((ulong)address << 24 | (ulong)port << 8 | protocol) ^ (((ulong)remoteKey << 16 | remotePortKey) * 0xC2B2_AE3D_27D4_EB4FUL));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SessionHash(int mapping, uint address, ushort port) =>
        Mix(((ulong)address << 16 | port) ^ ((ulong)(uint)mapping * 0xC2B2_AE3D_27D4_EB4FUL));

    /// <summary>Sessions per inside address: a chained hash over preallocated entries (at most one per session), keyed with the table's seed.</summary>
    private sealed class HostCounts
    {
        private readonly uint[] _address;
        private readonly int[] _count;
        private readonly int[] _next;
        private readonly int[] _buckets;
        private readonly int _mask;
        private readonly ulong _seed;
        private int _free;

        public HostCounts(int capacity, ulong seed)
        {
            _seed = seed;
            _address = new uint[capacity];
            _count = new int[capacity];
            _next = new int[capacity];
            int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity));
            _buckets = new int[buckets];
            Array.Fill(_buckets, -1);
            _mask = buckets - 1;
            for (int i = 0; i < capacity; i++)
            {
                _next[i] = i + 1 < capacity ? i + 1 : -1;
            }
        }

        public int Get(uint address)
        {
            int i = Find(address, out _);
            return i < 0 ? 0 : _count[i];
        }

        public bool TryIncrement(uint address, int max)
        {
            int i = Find(address, out int bucket);
            if (i >= 0)
            {
                if (_count[i] >= max)
                {
                    return false;
                }
                _count[i]++;
                return true;
            }
            if (_free < 0 || max < 1)
            {
                return false;
            }
            i = _free;
            _free = _next[i];
            _address[i] = address;
            _count[i] = 1;
            _next[i] = _buckets[bucket];
            _buckets[bucket] = i;
            return true;
        }

        public void Decrement(uint address)
        {
            int bucket = Mix(address, _seed) & _mask;
            int previous = -1;
            for (int i = _buckets[bucket]; i >= 0; previous = i, i = _next[i])
            {
                if (_address[i] != address)
                {
                    continue;
                }
                if (--_count[i] == 0)
                {
                    if (previous < 0)
                    {
                        _buckets[bucket] = _next[i];
                    }
                    else
                    {
                        _next[previous] = _next[i];
                    }
                    _next[i] = _free;
                    _free = i;
                }
                return;
            }
        }

        private int Find(uint address, out int bucket)
        {
            bucket = Mix(address, _seed) & _mask;
            for (int i = _buckets[bucket]; i >= 0; i = _next[i])
            {
                if (_address[i] == address)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}

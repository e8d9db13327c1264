using System.Numerics;
using System.Runtime.CompilerServices;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>
/// The NAT's state: mappings (an inside endpoint and the external endpoint it is seen as; RFC 4787 endpoint-independent
/// mapping, so one per inside endpoint) and sessions (a mapping and one remote endpoint it talks to). A session is a
/// connection of a <see cref="ConnectionTable"/>, the one the router's other features may share, whose two keys are the
/// packets as the inside sees them and as the outside sees them: the translation is the pair. Everything is preallocated
/// at start: structs in arrays, chained hash indices of <see cref="int"/>s, a port bitmap per protocol and external
/// address; nothing allocates per packet.
/// </summary>
/// <remarks>
/// <para>
/// Lookups: a packet of a session is one lookup either way (<see cref="FindOutbound"/> by its inside key,
/// <see cref="FindInbound"/> by its outside key). A new session finds its mapping by inside endpoint or by external
/// endpoint first. Each mapping keeps a doubly linked list of its sessions, walked only on the slow path (a filter
/// decision for a remote it has no session with).
/// </para>
/// <para>
/// Expiry is exact: a session whose time has passed never matches (the connection table removes it when a lookup meets
/// it), and <see cref="Sweep"/> reclaims the rest a slice at a time; either way the NAT's part goes with it
/// (<see cref="NatEvent.SessionsExpired"/>). A dynamic mapping lives while it has sessions; a static one (a port forward)
/// forever. Worker thread only; <see cref="SessionCount"/> and <see cref="MappingCount"/> are plain reads for other threads.
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

    private readonly Mapping[] _mappings;
    private readonly int[] _byInside;
    private readonly int[] _byExternal;
    private readonly int _mappingMask;
    private int _freeMapping;

    // A session's part besides its connection, by connection slot: its mapping (-1: not a session of this NAT), whether
    // it was opened from outside (its original key is then the outside one), and its neighbours in the mapping's list.
    private readonly ConnectionTable _connections;
    private readonly int[] _mappingOf;
    private readonly bool[] _inbound;
    private readonly int[] _nextOfMapping;
    private readonly int[] _prevOfMapping;
    private readonly EventCounters<NatEvent>? _events;

    private readonly NatHostCounts? _hosts; // this table's own count of sessions per host, when no bounds are shared
    private readonly ulong[][] _ports; // [protocol index * externals + external] → 65536 bits
    private readonly int[] _portCursor;
    private readonly int _externals;
    private readonly int _portMin;
    private readonly int _portMax;
    private readonly int _instance;   // the ports this table hands out are the ones this instance owns, of _instances
    private readonly int _instances;
    private readonly NatSessionBounds? _shared; // the bounds held with the other instances' tables; null when run once
    private readonly ulong _seed;

    /// <summary>Makes a table of <paramref name="maxSessions"/> sessions, with every entry allocated now.</summary>
    /// <param name="connections">The connection table sessions are kept in.</param>
    /// <param name="maxSessions">Most sessions (and dynamic mappings).</param>
    /// <param name="staticMappings">Mappings set aside for port forwards.</param>
    /// <param name="externals">External addresses.</param>
    /// <param name="portMin">Lowest external port handed out.</param>
    /// <param name="portMax">Highest external port handed out.</param>
    /// <param name="events">Where expired sessions are counted.</param>
    /// <param name="seed">The hashes' key; null for a random one (always, but in the test that shows why).</param>
    /// <param name="instance">Which instance of a NAT run per worker this table serves: it hands out only the ports that
    /// instance owns (<see cref="OwnerOfPort"/>); 0 for a NAT run once.</param>
    /// <param name="instances">How many instances of the NAT run; 1 when it runs once, and then every port is its own.</param>
    /// <param name="shared">The sessions this table holds together with the other instances' tables, in all and per inside
    /// host (the whole NAT's bounds); null for a NAT run once, bound by <paramref name="maxSessions"/> and the hosts' counts
    /// of this table alone.</param>
    public NatSessionTable(ConnectionTable connections, int maxSessions, int staticMappings, int externals, int portMin, int portMax,
        EventCounters<NatEvent>? events = null, ulong? seed = null, int instance = 0, int instances = 1, NatSessionBounds? shared = null)
    {
        _shared = shared;
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(instance);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(instance, instances);
        _instance = instance;
        _instances = instances;
        _seed = seed ?? ((ulong)Random.Shared.NextInt64() | 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(externals, 1);
        SessionCapacity = maxSessions;
        _externals = externals;
        _portMin = portMin;
        _portMax = portMax;
        int mappingCapacity = maxSessions + staticMappings;
        _mappings = new Mapping[mappingCapacity];
        int mappingBuckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, mappingCapacity * 2));
        _byInside = new int[mappingBuckets];
        _byExternal = new int[mappingBuckets];
        Array.Fill(_byInside, -1);
        Array.Fill(_byExternal, -1);
        _mappingMask = mappingBuckets - 1;
        for (int i = 0; i < _mappings.Length; i++)
        {
            _mappings[i].NextByInside = i + 1 < _mappings.Length ? i + 1 : -1;
        }
        _freeMapping = 0;
        _connections = connections;
        _mappingOf = new int[connections.Capacity];
        Array.Fill(_mappingOf, -1);
        _inbound = new bool[connections.Capacity];
        _nextOfMapping = new int[connections.Capacity];
        _prevOfMapping = new int[connections.Capacity];
        _events = events;
        connections.Removing += OnRemoving;
        _hosts = shared is null ? new NatHostCounts(maxSessions, _seed) : null;
        _ports = new ulong[3 * externals][];
        for (int i = 0; i < _ports.Length; i++)
        {
            _ports[i] = new ulong[65536 / 64];
        }
        _portCursor = new int[_ports.Length];
        Array.Fill(_portCursor, portMin);
    }

    /// <summary>
    /// Which of <paramref name="instances"/> instances of a NAT run per worker owns the external port (or ICMP identifier)
    /// <paramref name="port"/>, and so every mapping on it: a mix of the port's bits, so that ports taken in steps (Linux's
    /// <c>connect</c> prefers even ones) spread over the instances too. Every instance computes the same answer.
    /// </summary>
    public static int OwnerOfPort(int port, int instances) => (int)(((uint)port * 0x9E3779B1u) >> 16) % instances;

    /// <summary>True when this table's instance owns <paramref name="port"/> (always, for a NAT run once).</summary>
    public bool Owns(int port) => _instances == 1 || OwnerOfPort(port, _instances) == _instance;

    /// <summary>Most sessions.</summary>
    public int SessionCapacity { get; }

    /// <summary>True when no new session can be added: this table, or the instances' tables together, at their bound.</summary>
    public bool IsFull => SessionCount >= SessionCapacity || _shared?.IsFull == true;

    /// <summary>The connection table the sessions are kept in (the router's, shared with its other features).</summary>
    public ConnectionTable Connections => _connections;

    /// <summary>Sessions now.</summary>
    public int SessionCount { get; private set; }

    /// <summary>Mappings now (static ones included).</summary>
    public int MappingCount { get; private set; }

    /// <summary>The mapping at <paramref name="index"/>.</summary>
    public ref Mapping MappingAt(int index) => ref _mappings[index];

    /// <summary>The connection of session <paramref name="session"/>: its state, expiry and TCP tracking.</summary>
    public ref Connection SessionAt(int session) => ref _connections[session];

    /// <summary>The mapping of session <paramref name="session"/>.</summary>
    public int MappingOf(int session) => _mappingOf[session];

    /// <summary>True when session <paramref name="session"/> was opened from outside (a forward, or a filter that let a remote in).</summary>
    public bool IsInbound(int session) => _inbound[session];

    /// <summary>The remote endpoint of session <paramref name="session"/>.</summary>
    public (uint Address, ushort Port) RemoteOf(int session)
    {
        var outside = OutsideKeyOf(session);
        return (outside.Source, outside.SourcePort);
    }

    /// <summary>The key of session <paramref name="session"/>'s packets as the inside sends them (before translation).</summary>
    public FlowKey InsideKeyOf(int session) => _inbound[session] ? _connections.ReplyKey(session) : _connections.OriginalKey(session);

    /// <summary>The key of session <paramref name="session"/>'s packets as they arrive from outside (before translation back).</summary>
    public FlowKey OutsideKeyOf(int session) => _inbound[session] ? _connections.OriginalKey(session) : _connections.ReplyKey(session);

    /// <summary>True when connection <paramref name="connection"/> is a session of this NAT.</summary>
    public bool IsSession(int connection) => _mappingOf[connection] >= 0;

    /// <summary>Slots of the mapping array (for listing).</summary>
    public int MappingSlots => _mappings.Length;

    /// <summary>Slots that may hold a session (for listing; <see cref="MappingOf"/> is -1 for those that do not).</summary>
    public int SessionSlots => _mappingOf.Length;

    /// <summary>Sessions of inside host <paramref name="address"/>.</summary>
    public int HostSessions(uint address) => _shared?.HostSessions(address) ?? _hosts!.Get(address);

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

    /// <summary>
    /// The live session of an inside endpoint with a remote one, by the packet's inside key, or -1. An expired one is
    /// removed, with its mapping when it was the last.
    /// </summary>
    public int FindOutbound(byte protocol, uint inside, ushort insidePort, uint remote, ushort remotePort, long now) =>
        Ours(_connections.Find(FlowKey.Of(inside, remote, insidePort, remotePort, 0, protocol), now, out _));

    /// <summary>The live session a packet from a remote endpoint to an external one belongs to, by its outside key, or -1.</summary>
    public int FindInbound(byte protocol, uint remote, ushort remotePort, uint external, ushort externalPort, long now) =>
        Ours(_connections.Find(FlowKey.Of(remote, external, remotePort, externalPort, 0, protocol), now, out _));

    /// <summary>The live session of <paramref name="mapping"/> with a remote endpoint, or -1.</summary>
    public int FindSession(int mapping, uint remoteAddress, ushort remotePort, long now)
    {
        ref var m = ref _mappings[mapping];
        int session = FindInbound(m.Protocol, remoteAddress, remotePort, m.ExternalAddress, m.ExternalPort, now);
        return session >= 0 && _mappingOf[session] == mapping ? session : -1;
    }

    // A connection the router's other features track is not a session.
    private int Ours(int connection) => connection >= 0 && _mappingOf[connection] >= 0 ? connection : -1;

    /// <summary>
    /// True when <paramref name="mapping"/> has a session alive at <paramref name="now"/>, with remote address
    /// <paramref name="remoteAddress"/> when it is not null. Walks the mapping's sessions: slow path.
    /// </summary>
    public bool HasLiveSession(int mapping, uint? remoteAddress, long now)
    {
        for (int i = _mappings[mapping].FirstSession; i >= 0; i = _nextOfMapping[i])
        {
            if (_connections[i].Expires > now && (remoteAddress is null || RemoteOf(i).Address == remoteAddress.Value))
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
        else if ((protocol == Ipv4Header.ProtocolIcmp || (insidePort >= _portMin && insidePort <= _portMax)) && !IsSet(bits, insidePort) &&
            Owns(insidePort))
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
    /// Adds a session to <paramref name="mapping"/> with a remote endpoint, opened from inside or, when
    /// <paramref name="inbound"/>, from outside. Returns -1 with <paramref name="refused"/> set when the table or the inside
    /// host is at its bound. The caller has found no session for it. <paramref name="adopt"/> is the connection another
    /// feature of the router tracks for this packet (a firewall that let it in), or -1: when it was opened by the same
    /// packets, untranslated, the session is that connection with its translation added, not a second one.
    /// </summary>
    public int AddSession(int mapping, uint remoteAddress, ushort remotePort, long expires, int maxPerHost, bool inbound, out NatDrop refused,
        int adopt = -1)
    {
        refused = default;
        if (SessionCount >= SessionCapacity)
        {
            refused = NatDrop.SessionLimit;
            return -1;
        }
        ref var m = ref _mappings[mapping];
        var limit = _shared is not null ? _shared.TryAdd(m.InsideAddress, maxPerHost)
            : _hosts!.TryIncrement(m.InsideAddress, maxPerHost) ? null : NatDrop.HostLimit;
        if (limit is { } bound)
        {
            refused = bound;
            return -1;
        }
        var inside = FlowKey.Of(m.InsideAddress, remoteAddress, m.InsidePort, remotePort, 0, m.Protocol);
        var outside = FlowKey.Of(remoteAddress, m.ExternalAddress, remotePort, m.ExternalPort, 0, m.Protocol);
        var (original, reply) = inbound ? (outside, inside) : (inside, outside);
        int session;
        if (adopt >= 0 && _mappingOf[adopt] < 0 && _connections.OriginalKey(adopt) == original && !_connections.IsTranslated(adopt))
        {
            _connections.Translate(adopt, reply);
            session = adopt;
        }
        else
        {
            session = _connections.Add(original, reply, expires);
        }
        if (session < 0)
        {
            Removed(m.InsideAddress);
            refused = NatDrop.SessionLimit;
            return -1;
        }
        _mappingOf[session] = mapping;
        _inbound[session] = inbound;
        _prevOfMapping[session] = -1;
        _nextOfMapping[session] = m.FirstSession;
        if (m.FirstSession >= 0)
        {
            _prevOfMapping[m.FirstSession] = session;
        }
        m.FirstSession = session;
        m.Sessions++;
        SessionCount++;
        return session;
    }

    // The connection table removes a connection (expired, or swept): a session's mapping forgets it, and a dynamic mapping
    // left without sessions goes with it (its port is free again).
    private void OnRemoving(int session)
    {
        int mapping = _mappingOf[session];
        if (mapping < 0)
        {
            return;
        }
        ref var m = ref _mappings[mapping];
        int previous = _prevOfMapping[session], next = _nextOfMapping[session];
        if (previous >= 0)
        {
            _nextOfMapping[previous] = next;
        }
        else
        {
            m.FirstSession = next;
        }
        if (next >= 0)
        {
            _prevOfMapping[next] = previous;
        }
        Removed(m.InsideAddress);
        _mappingOf[session] = -1;
        SessionCount--;
        m.Sessions--;
        _events?.Increment(NatEvent.SessionsExpired);
        if (m.Sessions == 0 && !m.Static)
        {
            RemoveMapping(mapping);
        }
    }

    // A session of the inside host at 'address' is gone: its place in the bounds is free.
    private void Removed(uint address)
    {
        if (_shared is not null)
        {
            _shared.Remove(address);
        }
        else
        {
            _hosts!.Decrement(address);
        }
    }

    /// <summary>
    /// Makes mapping <paramref name="index"/> a forward's (static: kept without sessions, open to any remote) or, unpinned,
    /// an ordinary one: removed now when it has no session, else when its last session ends, as a dynamic mapping is.
    /// </summary>
    public void SetStatic(int index, bool pinned)
    {
        ref var m = ref _mappings[index];
        m.Static = pinned;
        ReleaseIfUnused(index);
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
    /// Removes the connections expired at <paramref name="now"/> among the next <paramref name="budget"/> slots of the
    /// connection table (round robin), so one call costs a bounded time.
    /// </summary>
    public void Sweep(long now, int budget) => _connections.Sweep(now, budget);

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
            if (!IsSet(bits, port) && Owns(port))
            {
                cursor = port + 1;
                return port;
            }
            port++;
        }
        return -1;
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
    internal static int Mix(ulong key, ulong seed)
    {
        ulong h = (key ^ seed) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= h >> 32;
        h *= 0xD6E8_FEB8_6659_FD93UL;
        return (int)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(byte protocol, uint address, ushort port) => Mix((ulong)address << 24 | (ulong)port << 8 | protocol);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int InsideHash(byte protocol, uint address, ushort port, uint remoteKey, ushort remotePortKey) =>
        Mix(((ulong)address << 24 | (ulong)port << 8 | protocol) ^ (((ulong)remoteKey << 16 | remotePortKey) * 0xC2B2_AE3D_27D4_EB4FUL));
}

using System.Runtime.CompilerServices;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;
using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Firewall;

/// <summary>
/// The running firewall, inline between its ports <c>inside</c> and <c>outside</c>, or an IPv4 feature of a router
/// interface (<c>features: [NAME]</c>, <c>FirewallFunction.Feature.cs</c>). A packet of a tracked connection passes at once
/// (one hash lookup, or none when a feature before it on the router found the connection); any other is matched against
/// the rules in order, and an allowed one opens a connection so its replies pass. ICMP errors that quote a tracked
/// connection's packet pass as related. ARP always passes; other non-IPv4 frames follow <c>non-ip</c>.
/// </summary>
/// <remarks>Run by one worker thread (the contract's guarantee): plain fields, no locks, nothing allocated per packet.</remarks>
public sealed partial class FirewallFunction : INetworkFunction
{
    /// <summary>Connections the timer may reclaim per tick (every 100 ms).</summary>
    internal const int SweepPerTick = 1024;

    private const int Inside = InlineBlueprint.Inside, Outside = InlineBlueprint.Outside;
    private const int Unjudged = -1; // a connection's rule before the firewall has seen it (another feature opened it)

    private readonly CompiledRule[] _rules;
    private readonly int _defaultRule; // index of the default policy in the counters: after the rules
    private readonly bool _defaultAllows;
    private readonly bool _nonIpAllowed;
    private readonly long[] _rulePackets;
    private readonly long[] _ruleBytes;
    private readonly long[] _ruleConnections;
    private readonly TimeProvider _time;
    private readonly long _tcpEstablished, _tcpTransitory, _udp, _icmp; // in timestamp ticks
    private ConnectionTable _table = null!;
    private int[] _ruleOf = null!; // by connection slot: the rule that let it in, or Unjudged
    private int _connectionCount;  // connections with a rule

    // Every emit.Trace is guarded by packet.IsTraced: an interpolated trace message costs its handler's set-up even
    // when untraced (bench/README.md: the switch paid 14 ns a frame for it).

    /// <summary>Creates an inline firewall with <paramref name="options"/>, reading the time from <paramref name="time"/>.</summary>
    public FirewallFunction(FirewallOptions options, TimeProvider time) : this(options, time, name: null)
    {
    }

    // A feature (name given) gets its connection table when a router attaches it; an inline firewall keeps its own.
    private FirewallFunction(FirewallOptions options, TimeProvider time, string? name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Options = options;
        _time = time;
        _rules = [.. options.Rules.Select(CompiledRule.Of)];
        _defaultRule = _rules.Length;
        _defaultAllows = options.Default == FirewallAction.Allow;
        _nonIpAllowed = options.NonIp == FirewallAction.Allow;
        _rulePackets = new long[_rules.Length + 1];
        _ruleBytes = new long[_rules.Length + 1];
        _ruleConnections = new long[_rules.Length + 1];
        _tcpEstablished = Ticks(options.TcpEstablished);
        _tcpTransitory = Ticks(options.TcpTransitory);
        _udp = Ticks(options.UdpTimeout);
        _icmp = Ticks(options.IcmpTimeout);
        _featureName = name;
        if (name is null)
        {
            Track(new ConnectionTable(options.MaxConnections));
        }

        long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The configuration.</summary>
    public FirewallOptions Options { get; }

    /// <summary>What the firewall counts besides its drops; readable from any thread.</summary>
    public EventCounters<FirewallEvent> Counters { get; } = new();

    /// <summary>Connections the firewall let in and tracks now (expired ones not yet reclaimed included); readable from any thread.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        if (_featureName is not null)
        {
            throw new InvalidOperationException($"Firewall '{_featureName}' is a feature of a router interface: no packet can be sent to it");
        }
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            int input = packet.InputPort;
            if ((uint)input > Outside)
            {
                emit.Drop(packet, FirewallDrop.UnknownInputPort);
                continue;
            }
            if (Decide(packet, emit, input == Inside ? FirewallSide.Inside : FirewallSide.Outside, now, tracker: null) is { } reason)
            {
                Drop(packet, emit, reason);
            }
            else
            {
                emit.To(input ^ 1, packet);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit) => _table?.Sweep(_time.GetTimestamp(), SweepPerTick);

    // Keeps connections in `table`: its own, or the router's, shared with the other features there.
    private void Track(ConnectionTable table)
    {
        _table = table;
        _ruleOf = new int[table.Capacity];
        Array.Fill(_ruleOf, Unjudged);
        table.Removing += connection =>
        {
            if (_ruleOf[connection] != Unjudged)
            {
                _ruleOf[connection] = Unjudged;
                Volatile.Write(ref _connectionCount, _connectionCount - 1);
                Counters.Increment(FirewallEvent.Expired);
            }
        };
    }

    /// <summary>
    /// What the firewall does with a packet coming from <paramref name="side"/>: null to pass it, else why it drops it.
    /// <paramref name="tracker"/> is the router's, on a router: the connection a feature before this one found, and where
    /// this one says which connection the packet is.
    /// </summary>
    private FirewallDrop? Decide(Packet packet, Emitter emit, FirewallSide side, long now, ConnectionTracker? tracker)
    {
        var frame = packet.Data;
        switch (Ipv4Fields.Read(frame, out var fields))
        {
            case Ipv4FieldsResult.Malformed:
                return FirewallDrop.Malformed;
            case Ipv4FieldsResult.NotIpv4 when fields.EtherType == EthernetHeader.TypeArp || _nonIpAllowed:
                return null;
            case Ipv4FieldsResult.NotIpv4:
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"EtherType 0x{fields.EtherType:x4}: not IPv4 or ARP, non-ip: deny");
                }
                return FirewallDrop.NonIp;
        }
        if (fields.IsLaterFragment)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, "a fragment other than the first: no ports to match");
            }
            return FirewallDrop.Fragment;
        }
        byte protocol = fields.Protocol;
        int icmpType = fields.IcmpType;
        byte tcpFlags = fields.TcpFlags;
        var key = FlowKey.Of(fields);
        int connection;
        bool reply;
        if (tracker is { Current: >= 0 })
        {
            connection = tracker.Current;
            reply = tracker.CurrentIsReply;
        }
        else
        {
            connection = _table.Find(key, now, out reply);
        }
        if (connection >= 0)
        {
            int admitted = _ruleOf[connection];
            if (admitted == Unjudged)
            {
                return JudgeOpenedElsewhere(packet, emit, side, fields, connection, reply, tracker);
            }
            if (!_table.IsTranslated(connection))
            {
                ref var tracked = ref _table[connection];
                tracked.Packets++;
                tracked.Expires = now + Refresh(ref tracked, protocol, tcpFlags, reply);
            }
            Count(admitted, frame.Length);
            Counters.Increment(FirewallEvent.Tracked);
            tracker?.Set(connection, reply);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{(reply ? "reply" : "original")} direction of a connection rule {RuleName(admitted)} allowed");
            }
            return null;
        }
        if (icmpType >= 0 && IcmpHeader.IsError((byte)icmpType) &&
            Related(frame[(fields.TransportOffset + IcmpHeader.Size)..], fields.Vlan, now) is var related and >= 0 && _ruleOf[related] != Unjudged)
        {
            Count(_ruleOf[related], frame.Length);
            Counters.Increment(FirewallEvent.Related);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"ICMP error related to a connection rule {RuleName(_ruleOf[related])} allowed");
            }
            return null;
        }

        int rule = Match(side, fields);
        Count(rule, frame.Length);
        bool allowed = rule == _defaultRule ? _defaultAllows : _rules[rule].Allow;
        if (!allowed)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"new connection denied by rule {RuleName(rule)}");
            }
            return rule == _defaultRule ? FirewallDrop.DefaultDeny : FirewallDrop.Denied;
        }
        // What opens a connection: a TCP SYN, any UDP (or other protocol's) packet, an ICMP echo request. Other ICMP
        // messages an allow rule matches pass on their own.
        bool opens = protocol switch
        {
            Ipv4Header.ProtocolTcp => TcpTracking.IsOpening(tcpFlags),
            Ipv4Header.ProtocolIcmp => icmpType == IcmpHeader.TypeEchoRequest,
            _ => true,
        };
        if (!opens)
        {
            if (protocol == Ipv4Header.ProtocolTcp)
            {
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"rule {RuleName(rule)} allows it, but a TCP segment that is not a SYN opens no connection");
                }
                return FirewallDrop.NotEstablished;
            }
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"allowed by rule {RuleName(rule)} (ICMP type {icmpType}, not tracked)");
            }
            return null;
        }
        long idle = protocol switch { Ipv4Header.ProtocolTcp => _tcpTransitory, Ipv4Header.ProtocolIcmp => _icmp, _ => _udp };
        int opened = _table.Add(key, now + idle);
        if (opened < 0)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"rule {RuleName(rule)} allows it, but max-connections ({_table.Capacity}) are tracked");
            }
            return FirewallDrop.TableFull;
        }
        ref var added = ref _table[opened];
        added.Packets = 1;
        added.Tcp = protocol == Ipv4Header.ProtocolTcp ? TcpSeen.Original : TcpSeen.None;
        Open(opened, rule);
        tracker?.Set(opened, reply: false);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"new connection allowed by rule {RuleName(rule)}");
        }
        return null;
    }

    // Another feature of the router opened this connection for this very packet (a NAT's port forward): the rules judge
    // it now, as a new connection, and a denied one is not kept. Out of line: only a router's features meet it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FirewallDrop? JudgeOpenedElsewhere(Packet packet, Emitter emit, FirewallSide side, in Ipv4Fields fields, int connection, bool reply,
        ConnectionTracker? tracker)
    {
        int rule = Match(side, fields);
        Count(rule, packet.Data.Length);
        bool allowed = rule == _defaultRule ? _defaultAllows : _rules[rule].Allow;
        if (!allowed)
        {
            _table.Remove(connection);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"new connection denied by rule {RuleName(rule)}");
            }
            return rule == _defaultRule ? FirewallDrop.DefaultDeny : FirewallDrop.Denied;
        }
        Open(connection, rule);
        tracker?.Set(connection, reply);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"new connection allowed by rule {RuleName(rule)}");
        }
        return null;
    }

    private void Open(int connection, int rule)
    {
        _ruleOf[connection] = rule;
        Volatile.Write(ref _connectionCount, _connectionCount + 1);
        _ruleConnections[rule]++;
        Counters.Increment(FirewallEvent.Opened);
    }

    /// <summary>Moves a TCP connection's state on the segment's flags; returns the idle time it gets now.</summary>
    private long Refresh(ref Connection connection, byte protocol, byte flags, bool reply)
    {
        if (protocol != Ipv4Header.ProtocolTcp)
        {
            return protocol == Ipv4Header.ProtocolIcmp ? _icmp : _udp;
        }
        connection.Tcp = TcpTracking.Update(connection.Tcp, flags, reply);
        return TcpTracking.State(connection.Tcp) == TcpState.Established ? _tcpEstablished : _tcpTransitory;
    }

    /// <summary>
    /// The connection an ICMP error's quoted datagram belongs to, or -1. The quoted packet is one the error's receiver
    /// sent, so its key is looked up as it is, in whichever direction it went.
    /// </summary>
    private int Related(ReadOnlySpan<byte> quoted, int vlan, long now) =>
        Ipv4Fields.ReadQuoted(quoted, vlan, out var fields) == Ipv4FieldsResult.Ipv4 && !fields.IsLaterFragment
            ? _table.Find(FlowKey.Of(fields), now, out _)
            : -1;

    /// <summary>The first rule matching a new connection from <paramref name="side"/>, or the default policy's index.</summary>
    private int Match(FirewallSide side, in Ipv4Fields packet)
    {
        // The packet's fields read once, into registers: the loop then costs a few compares a rule.
        uint source = packet.Source, destination = packet.Destination;
        byte protocol = packet.Protocol, dscp = packet.Dscp;
        ushort sourcePort = packet.SourcePort, destinationPort = packet.DestinationPort;
        int vlan = packet.Vlan, icmpType = packet.IcmpType;
        var rules = _rules;
        for (int i = 0; i < rules.Length; i++)
        {
            ref readonly var rule = ref rules[i];
            if ((rule.From == FirewallSide.Any || rule.From == side) &&
                rule.Match.Matches(source, destination, protocol, sourcePort, destinationPort, vlan, icmpType, dscp))
            {
                return i;
            }
        }
        return _defaultRule;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(int rule, int bytes)
    {
        _rulePackets[rule]++;
        _ruleBytes[rule] += bytes;
    }

    private string RuleName(int rule) => rule == _defaultRule ? "default" : (rule + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Drops are rare and not inlined into the path of a passing packet.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Drop(Packet packet, Emitter emit, FirewallDrop reason) => emit.Drop(packet, reason);

    /// <summary>A rule as the matching loop reads it.</summary>
    private readonly record struct CompiledRule(bool Allow, FirewallSide From, Ipv4Matcher Match)
    {
        public static CompiledRule Of(FirewallRule rule) => new(rule.Action == FirewallAction.Allow, rule.From, new Ipv4Matcher(rule.Match));
    }
}

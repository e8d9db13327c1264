using System.Runtime.CompilerServices;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;
using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Firewall;

/// <summary>
/// The running firewall. A packet of a tracked connection passes at once (one hash lookup); any other is matched against
/// the rules in order, and an allowed one opens a connection so its replies pass. ICMP errors that quote a tracked
/// connection's packet pass as related. ARP always passes; other non-IPv4 frames follow <c>non-ip</c>.
/// </summary>
/// <remarks>Run by one worker thread (the contract's guarantee): plain fields, no locks, nothing allocated per packet.</remarks>
public sealed partial class FirewallFunction : INetworkFunction
{
    /// <summary>Connections the timer may reclaim per tick (every 100 ms).</summary>
    internal const int SweepPerTick = 1024;

    private const int Inside = InlineBlueprint.Inside, Outside = InlineBlueprint.Outside;

    private readonly CompiledRule[] _rules;
    private readonly int _defaultRule; // index of the default policy in the counters: after the rules
    private readonly bool _defaultAllows;
    private readonly bool _nonIpAllowed;
    private readonly long[] _rulePackets;
    private readonly long[] _ruleBytes;
    private readonly long[] _ruleConnections;
    private readonly ConnectionTable _table;
    private readonly int[] _ruleOf; // by connection slot: the rule that let it in
    private readonly TimeProvider _time;
    private readonly long _tcpEstablished, _tcpTransitory, _udp, _icmp; // in timestamp ticks

    // Every emit.Trace is guarded by packet.IsTraced: an interpolated trace message costs its handler's set-up even
    // when untraced (bench/README.md: the switch paid 14 ns a frame for it).

    /// <summary>Creates a firewall with <paramref name="options"/>, reading the time from <paramref name="time"/>.</summary>
    public FirewallFunction(FirewallOptions options, TimeProvider time)
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
        _table = new ConnectionTable(options.MaxConnections);
        _table.Removing += _ => Counters.Increment(FirewallEvent.Expired);
        _ruleOf = new int[options.MaxConnections];
        _tcpEstablished = Ticks(options.TcpEstablished);
        _tcpTransitory = Ticks(options.TcpTransitory);
        _udp = Ticks(options.UdpTimeout);
        _icmp = Ticks(options.IcmpTimeout);

        long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The configuration.</summary>
    public FirewallOptions Options { get; }

    /// <summary>What the firewall counts besides its drops; readable from any thread.</summary>
    public EventCounters<FirewallEvent> Counters { get; } = new();

    /// <summary>Connections tracked now (expired ones not yet reclaimed included); readable from any thread.</summary>
    public int ConnectionCount => _table.Count;

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            Handle(packet, emit, now);
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit) => _table.Sweep(_time.GetTimestamp(), SweepPerTick);

    private void Handle(Packet packet, Emitter emit, long now)
    {
        int input = packet.InputPort;
        if ((uint)input > Outside)
        {
            emit.Drop(packet, FirewallDrop.UnknownInputPort);
            return;
        }
        int output = input ^ 1;
        var frame = packet.Data;
        switch (Ipv4Fields.Read(frame, out var fields))
        {
            case Ipv4FieldsResult.Malformed:
                Drop(packet, emit, FirewallDrop.Malformed);
                return;
            case Ipv4FieldsResult.NotIpv4 when fields.EtherType == EthernetHeader.TypeArp || _nonIpAllowed:
                emit.To(output, packet);
                return;
            case Ipv4FieldsResult.NotIpv4:
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"EtherType 0x{fields.EtherType:x4}: not IPv4 or ARP, non-ip: deny");
                }
                Drop(packet, emit, FirewallDrop.NonIp);
                return;
        }
        if (fields.IsLaterFragment)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, "a fragment other than the first: no ports to match");
            }
            Drop(packet, emit, FirewallDrop.Fragment);
            return;
        }
        byte protocol = fields.Protocol;
        int icmpType = fields.IcmpType;
        byte tcpFlags = fields.TcpFlags;
        var key = FlowKey.Of(fields);
        int connection = _table.Find(key, now, out bool reply);
        if (connection >= 0)
        {
            ref var tracked = ref _table[connection];
            tracked.Packets++;
            tracked.Expires = now + Refresh(ref tracked, protocol, tcpFlags, reply);
            int admitted = _ruleOf[connection];
            Count(admitted, frame.Length);
            Counters.Increment(FirewallEvent.Tracked);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{(reply ? "reply" : "original")} direction of a connection rule {RuleName(admitted)} allowed");
            }
            emit.To(output, packet);
            return;
        }
        if (icmpType >= 0 && IcmpHeader.IsError((byte)icmpType) && Related(frame[(fields.TransportOffset + IcmpHeader.Size)..], fields.Vlan, now) is var related and >= 0)
        {
            Count(_ruleOf[related], frame.Length);
            Counters.Increment(FirewallEvent.Related);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"ICMP error related to a connection rule {RuleName(_ruleOf[related])} allowed");
            }
            emit.To(output, packet);
            return;
        }

        int rule = Match(input, fields);
        Count(rule, frame.Length);
        bool allowed = rule == _defaultRule ? _defaultAllows : _rules[rule].Allow;
        if (!allowed)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"new connection denied by rule {RuleName(rule)}");
            }
            Drop(packet, emit, rule == _defaultRule ? FirewallDrop.DefaultDeny : FirewallDrop.Denied);
            return;
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
                Drop(packet, emit, FirewallDrop.NotEstablished);
                return;
            }
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"allowed by rule {RuleName(rule)} (ICMP type {icmpType}, not tracked)");
            }
            emit.To(output, packet);
            return;
        }
        long idle = protocol switch { Ipv4Header.ProtocolTcp => _tcpTransitory, Ipv4Header.ProtocolIcmp => _icmp, _ => _udp };
        int opened = _table.Add(key, now + idle);
        if (opened < 0)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"rule {RuleName(rule)} allows it, but max-connections ({_table.Capacity}) are tracked");
            }
            Drop(packet, emit, FirewallDrop.TableFull);
            return;
        }
        _table[opened].Tcp = protocol == Ipv4Header.ProtocolTcp ? TcpSeen.Original : TcpSeen.None;
        _ruleOf[opened] = rule;
        _ruleConnections[rule]++;
        Counters.Increment(FirewallEvent.Opened);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"new connection allowed by rule {RuleName(rule)}");
        }
        emit.To(output, packet);
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

    /// <summary>The first rule matching a new connection, or the default policy's index.</summary>
    private int Match(int input, in Ipv4Fields packet)
    {
        var side = input == Inside ? FirewallSide.Inside : FirewallSide.Outside;
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

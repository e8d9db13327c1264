using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Connections;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>
/// NAPT44 as an L3 feature of a router interface, the NAT's outside (RFC 4787, 5382, 5508, 7857): source translation of
/// TCP, UDP and ICMP echo to one or more external addresses with endpoint-independent mapping, configurable filtering,
/// port preservation, hairpinning, TCP state tracking with timeouts, ICMP error translation, static port forwards,
/// fragments, and bounded sessions.
/// </summary>
/// <remarks>
/// <para>
/// The router calls <see cref="Output"/> for packets leaving by the outside interface (inside to outside: the source is
/// translated, <c>NatFunction.InsideToOutside.cs</c>), and <see cref="Input"/> for packets arriving on any interface
/// (<see cref="Ipv4FeatureScope.Router"/>): on the outside, packets to an external address are translated back or left to
/// the router, and packets to anything but the router's own addresses are dropped (<c>NatFunction.OutsideToInside.cs</c>);
/// on the inside, packets to an external address and a mapped port are hairpinned.
/// </para>
/// <para>
/// It is also an <see cref="INetworkFunction"/> without ports, so the graph runs its <see cref="OnTimer"/> (the expiry
/// sweep) on the worker thread, and the host inspects its <c>nat</c> table. Worker thread only, like the router.
/// </para>
/// </remarks>
public sealed partial class NatFunction : INetworkFunction, IIpv4Feature, IReconfigurableFunction
{
    // Sessions the timer looks at per tick (100 ms): the whole default table every 6.4 s.
    private const int SweepBudget = 1024;
    private NatRateLimiter _limiter;
    private int _timerCalls;

    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _frequency;
    private long _tcpEstablished;
    private long _tcpTransitory;
    private long _udp;
    private long _icmp;
    private readonly NatFragmentCache _fragments;
    private NatSessionTable _table = null!;
    private ConnectionTracker? _tracker; // the router's, shared with its other features; null when it has none
    private uint[] _externals = [];
    private uint[] _local = [];
    private int _outside = -1;
    private string _attachedTo = "";
    private bool _fullReported;
    private bool _portsReported;
    private readonly int _instance;      // run per worker: which instance this is, of _instanceCount
    private readonly int _instanceCount;

    /// <summary>Creates a NAT; it translates once a router attaches it (<see cref="Attach"/>).</summary>
    /// <param name="name">The function's name in the topology (for logs).</param>
    /// <param name="options">Its checked configuration.</param>
    /// <param name="time">
    /// The clock for timeouts; null for <see cref="TimeProvider.System"/>. The router that runs the NAT must use the same one:
    /// packets are timed by <see cref="Ipv4HookContext.Timestamp"/>, the timer by this clock.
    /// </param>
    /// <param name="logger">Where warnings go; null for none.</param>
    /// <param name="instance">
    /// Which instance this is of a NAT run as an instance per worker (<see cref="NatBlueprint.CanRunAsInstancePerWorker"/>):
    /// it owns the mappings on its share of the external ports (<see cref="InstanceFor"/>); 0 for a NAT run once.
    /// </param>
    /// <param name="instanceCount">
    /// How many instances run: 1 for a NAT run once. They hold the session bounds together (<see cref="SessionBounds"/>),
    /// and each holds its share of the rates of new sessions.
    /// </param>
    public NatFunction(string name, NatOptions options, TimeProvider? time = null, ILogger? logger = null, int instance = 0, int instanceCount = 1)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PortMin, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PortMin, options.PortMax, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PortMax, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(instanceCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(instance);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(instance, instanceCount);
        _instance = instance;
        _instanceCount = instanceCount;
        _name = name;
        Options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _frequency = _time.TimestampFrequency;
        _fragments = new NatFragmentCache(_frequency);
        Adopt(options);
    }

    // The settings read per packet or per new session: a reconfigured NAT changes these and nothing else of its own.
    [MemberNotNull(nameof(_limiter), nameof(Options), nameof(_forwardOwners))]
    private void Adopt(NatOptions options)
    {
        Options = options;
        _tcpEstablished = Ticks(options.TcpEstablished);
        _tcpTransitory = Ticks(options.TcpTransitory);
        _udp = Ticks(options.Udp);
        _icmp = Ticks(options.Icmp);
        _limiter = new NatRateLimiter(Share(options.NewSessionsPerSecond), Share(options.NewSessionsPerSecondPerSource), _frequency);
        _forwardOwners = [.. options.Forwards.Select(f => (f.Protocol, f.To.Value, f.ToPort, NatSessionTable.OwnerOfPort(f.Port, _instanceCount)))];
    }

    /// <inheritdoc/>
    public string Name => _name;

    /// <summary>The configuration.</summary>
    public NatOptions Options { get; private set; }

    /// <summary>What the NAT did so far; readable from any thread.</summary>
    public EventCounters<NatEvent> Counters { get; } = new();

    /// <summary>
    /// Packets the NAT turned away, by reason; readable from any thread. The router that runs the NAT drops each as its
    /// own <c>FeatureDrop</c>; these say why (events <c>dropped_REASON</c>).
    /// </summary>
    public EventCounters<NatDrop> Drops { get; } = new();

    /// <summary>The external addresses, once attached.</summary>
    public IReadOnlyList<Ipv4Address> ExternalAddresses => [.. _externals.Select(a => new Ipv4Address(a))];

    /// <summary>Sessions now (any thread; may lag).</summary>
    public int SessionCount => _table?.SessionCount ?? 0;

    internal NatSessionTable Table => _table;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The NAT is already attached: one NAT serves one interface.</exception>
    /// <exception cref="ArgumentException">An external address is not an address of the interface.</exception>
    public Ipv4FeatureScope Attach(Ipv4FeatureAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (_outside >= 0)
        {
            throw new InvalidOperationException($"NAT '{_name}' already serves {_attachedTo}; a NAT serves one interface of one router.");
        }
        if (attachment.Addresses.Count == 0)
        {
            throw new ArgumentException($"Interface '{attachment.InterfaceName}' has no address for NAT '{_name}'.", nameof(attachment));
        }
        var externals = Options.External.Count > 0 ? Options.External : [attachment.Addresses[0].Address];
        foreach (var external in externals)
        {
            if (!attachment.Addresses.Any(p => p.Address == external))
            {
                throw new ArgumentException(
                    $"External address {external} of NAT '{_name}' is not an address of interface '{attachment.InterfaceName}'.", nameof(attachment));
            }
        }
        _externals = [.. externals.Select(a => a.Value)];
        _local = [.. attachment.LocalAddresses.Select(a => a.Value)];
        _tracker = attachment.Connections;
        _table = new NatSessionTable(_tracker?.Table ?? new ConnectionTable(MaxSessions), MaxSessions, Options.Forwards.Count,
            _externals.Length, Options.PortMin, Options.PortMax, Counters, instance: _instance, instances: _instanceCount, shared: SessionBounds);
        foreach (var forward in Options.Forwards)
        {
            if (!Install(forward))
            {
                throw new ArgumentException($"Forward {forward.ProtocolName} {ExternalOf(forward)}:{forward.Port} of NAT '{_name}' cannot be installed.", nameof(attachment));
            }
        }
        _outside = attachment.Interface;
        _attachedTo = $"interface '{attachment.InterfaceName}' of router '{attachment.Router}'";
        if (_instance == 0)
        {
            NatLog.Attached(_logger, _name, attachment.InterfaceName, attachment.Router, string.Join(", ", externals)); // once, not per instance
        }
        return Ipv4FeatureScope.Router;
    }

    private Ipv4Address ExternalOf(NatForward forward) => forward.External ?? new Ipv4Address(_externals[0]);

    // A forward is a static mapping on its external port; false when that port is taken or the table is full.
    private bool Install(NatForward forward)
    {
        var address = ExternalOf(forward);
        int external = Array.IndexOf(_externals, address.Value);
        return external >= 0 && _table.IsPortFree(forward.Protocol, external, forward.Port) &&
            _table.AddMapping(forward.Protocol, forward.To.Value, forward.ToPort, external, address.Value, forward.Port) >= 0;
    }

    // The static mapping of a forward, or -1.
    private int MappingOf(NatForward forward)
    {
        int index = _table.FindByExternal(forward.Protocol, ExternalOf(forward).Value, forward.Port);
        return index >= 0 && _table.MappingAt(index).Static ? index : -1;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// In place: forwards, timeouts, filtering, the per-host bound and the rates of new sessions. The external addresses, the
    /// port range, the mapping behaviour and the session bound shape the table itself: for those nfv apply builds a new NAT.
    /// </remarks>
    public bool CanReconfigure(ConfigMapping config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var next = NatFunctionFactory.ReadOptions(_name, config, new DiagnosticBag());
        return next.External.SequenceEqual(Options.External) && next.PortMin == Options.PortMin && next.PortMax == Options.PortMax &&
            next.Mapping == Options.Mapping && next.MaxSessions == Options.MaxSessions;
    }

    /// <summary>
    /// Takes new settings while it runs, keeping every session: a new forward is installed (refused when a connection holds
    /// its port), a forward gone stops taking new connections while the ones through it go on until they end.
    /// </summary>
    public bool Reconfigure(ConfigMapping config, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var next = NatFunctionFactory.ReadOptions(_name, config, diagnostics);
        if (diagnostics.HasErrors)
        {
            return false;
        }
        if (!CanReconfigure(config))
        {
            diagnostics.Error(NatDiagnosticCodes.BadLimit, config.Span,
                $"nat '{_name}' cannot change its external addresses, ports, mapping or max-sessions while it runs (its table is made of them)");
            return false;
        }
        if (_outside >= 0 && !ChangeForwards(next.Forwards, diagnostics))
        {
            return false;
        }
        Adopt(next);
        NatLog.Reconfigured(_logger, _name, next.Forwards.Count, SessionCount);
        return true;
    }

    private bool ChangeForwards(IReadOnlyList<NatForward> next, DiagnosticBag diagnostics)
    {
        static bool Same(NatForward a, NatForward b) => a with { Span = default } == b with { Span = default };
        var gone = Options.Forwards.Where(f => !next.Any(n => Same(f, n))).ToList();
        var come = next.Where(n => !Options.Forwards.Any(f => Same(f, n))).ToList();
        foreach (var forward in gone)
        {
            if (MappingOf(forward) is >= 0 and var index)
            {
                _table.SetStatic(index, pinned: false);
            }
        }
        for (int i = 0; i < come.Count; i++)
        {
            if (Install(come[i]))
            {
                continue;
            }
            diagnostics.Error(NatDiagnosticCodes.BadForward, come[i].Span,
                $"forward {come[i].ProtocolName} {ExternalOf(come[i])}:{come[i].Port} of nat '{_name}' cannot be installed: a connection holds that port, or the table is full");
            foreach (var added in come.Take(i))
            {
                _table.SetStatic(MappingOf(added), pinned: false);
            }
            foreach (var forward in gone)
            {
                // Back as it was: pinned again while its sessions kept it, installed again otherwise.
                if (_table.FindByExternal(forward.Protocol, ExternalOf(forward).Value, forward.Port) is >= 0 and var index)
                {
                    _table.SetStatic(index, pinned: true);
                }
                else
                {
                    Install(forward);
                }
            }
            return false;
        }
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>Its sessions: they are connections of the router's table, shared with its other features.</remarks>
    public int TrackedConnections => MaxSessions;

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Input(Packet packet, in Ipv4HookContext context, Emitter emit)
    {
        if (_outside < 0)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        var ip = packet.Data[context.IpOffset..];
        if (packet.IsTraced)
        {
            return Traced(packet, context, emit, inbound: true);
        }
        return context.Interface == _outside
            ? FromOutside(packet, ip, context.Timestamp)
            : FromInside(packet, ip, context.Timestamp);
    }

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Output(Packet packet, in Ipv4HookContext context, Emitter emit)
    {
        if (_outside < 0 || context.Interface != _outside)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        if (packet.IsTraced)
        {
            return Traced(packet, context, emit, inbound: false);
        }
        return ToOutside(packet, packet.Data[context.IpOffset..], context.Timestamp);
    }

    // nfv trace: the same work, then what it did to the packet's addresses and ports, stated on the packet.
    private Ipv4FeatureVerdict Traced(Packet packet, in Ipv4HookContext context, Emitter emit, bool inbound)
    {
        var ip = packet.Data[context.IpOffset..];
        string before = Endpoints(ip);
        long created = Counters[NatEvent.SessionsCreated];
        var verdict = !inbound ? ToOutside(packet, ip, context.Timestamp)
            : context.Interface == _outside ? FromOutside(packet, ip, context.Timestamp) : FromInside(packet, ip, context.Timestamp);
        if (verdict != Ipv4FeatureVerdict.Consumed)
        {
            string after = Endpoints(packet.Data[context.IpOffset..]);
            string session = Counters[NatEvent.SessionsCreated] != created ? "new session, " : "";
            emit.Trace(packet, verdict == Ipv4FeatureVerdict.Drop ? $"nat {Name}: {before} dropped"
                : after == before ? $"nat {Name}: {before} not translated"
                : $"nat {Name}: {session}{before} translated to {after}");
        }
        return verdict;
    }

    private static string Endpoints(ReadOnlySpan<byte> ip)
    {
        int headerLength = Ipv4Header.HeaderLength(ip);
        byte protocol = Ipv4Header.Protocol(ip);
        bool ports = (protocol == Ipv4Header.ProtocolTcp || protocol == Ipv4Header.ProtocolUdp) && !Ipv4Header.IsLaterFragment(ip) &&
            ip.Length >= headerLength + 4;
        return ports
            ? $"{Ipv4Header.Source(ip)}:{BinaryPrimitives.ReadUInt16BigEndian(ip[headerLength..])} > {Ipv4Header.Destination(ip)}:{BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 2)..])}"
            : $"{Ipv4Header.Source(ip)} > {Ipv4Header.Destination(ip)}";
    }

    /// <inheritdoc/>
    /// <remarks>Never called: a feature has no ports, so the graph sends it nothing (the router calls the hooks).</remarks>
    /// <exception cref="InvalidOperationException">Always: a packet reached a feature's node, which is a graph bug.</exception>
    public void Process(PacketBatch batch, Emitter emit) =>
        throw new InvalidOperationException($"NAT '{_name}' is a feature without ports: no packet can be sent to it");

    /// <inheritdoc/>
    /// <remarks>Reclaims expired sessions, a bounded slice of the table per call.</remarks>
    public void OnTimer(Emitter emit)
    {
        if (_outside < 0)
        {
            return;
        }
        long now = _time.GetTimestamp();
        _table.Sweep(now, SweepBudget);
        if (++_timerCalls % 10 == 0)
        {
            _limiter.Forget(now); // about once a second: the table of sources can hold thousands
        }
        if (_fullReported && !_table.IsFull)
        {
            _fullReported = false;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _frequency);

    private int ExternalIndex(uint address)
    {
        var externals = _externals;
        for (int i = 0; i < externals.Length; i++)
        {
            if (externals[i] == address)
            {
                return i;
            }
        }
        return -1;
    }

    private bool IsLocal(uint address) => Array.IndexOf(_local, address) >= 0;

    // Out of line: every caller is a refusal, and inlined at each of them it grew the hot hooks enough to cost an
    // established flow 5-7 ns (the JIT then kept less of the fast path in registers; A/B in bench/README.md).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Ipv4FeatureVerdict Drop(NatDrop reason)
    {
        Drops.Increment(reason);
        return Ipv4FeatureVerdict.Drop;
    }

    // The datagram's payload: from the header to the total length (the router checked it fits the frame).
    private static Span<byte> L4(Span<byte> ip, int headerLength) =>
        ip[headerLength..Math.Max(headerLength, Math.Min(ip.Length, Ipv4Header.TotalLength(ip)))];

    // The L4 header bytes a translation needs: TCP up to its flags and checksum, UDP its 8 bytes, ICMP its 8 bytes.
    private static int L4Needed(byte protocol) => protocol == Ipv4Header.ProtocolTcp ? 20 : 8;

    private long Timeout(byte protocol, TcpSeen tcp) => protocol switch
    {
        Ipv4Header.ProtocolUdp => _udp,
        Ipv4Header.ProtocolIcmp => _icmp,
        _ => TcpTracking.State(tcp) == TcpState.Established ? _tcpEstablished : _tcpTransitory,
    };

    // A packet of the session in one direction: TCP state, then the idle timer. UDP and ICMP sessions are refreshed by
    // outbound packets only (RFC 4787 REQ-6); TCP by both, since its state is tracked both ways.
    private void Refresh(int session, byte protocol, bool outbound, byte tcpFlags, long now)
    {
        ref var connection = ref _table.SessionAt(session);
        connection.Packets++;
        if (protocol == Ipv4Header.ProtocolTcp)
        {
            // The original direction is the one that opened the session: outbound, unless it was opened from outside.
            connection.Tcp = TcpTracking.Update(connection.Tcp, tcpFlags, reply: outbound == _table.IsInbound(session));
            connection.Expires = now + Timeout(protocol, connection.Tcp);
        }
        else if (outbound)
        {
            connection.Expires = now + Timeout(protocol, TcpSeen.None);
        }
    }

    private static byte TcpFlags(byte protocol, ReadOnlySpan<byte> l4) => protocol == Ipv4Header.ProtocolTcp ? l4[13] : (byte)0;

    private static ushort ReadPort(ReadOnlySpan<byte> l4, int offset) => BinaryPrimitives.ReadUInt16BigEndian(l4[offset..]);

    /// <summary>
    /// The live session of an inside endpoint with a remote one, made (mapping too, when there is none) if needed, and
    /// refreshed by this outbound packet; -1 with <paramref name="refused"/> set when a bound or the port range refuses it.
    /// </summary>
    private int OutboundSession(byte protocol, uint inside, ushort insidePort, uint remote, ushort remotePort, byte tcpFlags, long now,
        out NatDrop refused)
    {
        refused = default;
        // A feature before this one (a firewall) may have found the packet's connection already: then no second lookup.
        int session = _tracker is { Current: >= 0 } ? CurrentSession(FlowKey.Of(inside, remote, insidePort, remotePort, 0, protocol), outside: false) : -1;
        if (session < 0)
        {
            session = _table.FindOutbound(protocol, inside, insidePort, remote, remotePort, now);
        }
        if (session < 0)
        {
            int mapping = FindOutboundMapping(protocol, inside, insidePort, remote, remotePort);
            session = NewOutboundSession(protocol, inside, insidePort, remote, remotePort, mapping, now, out refused);
            if (session < 0)
            {
                return -1;
            }
        }
        Refresh(session, protocol, outbound: true, tcpFlags, now);
        _tracker?.Set(session, reply: _table.IsInbound(session));
        return session;
    }

    /// <summary>
    /// The session the router's tracker names for the packet being handled, when it is one of ours and the packet is its,
    /// as the inside (or, with <paramref name="outside"/>, the outside) sends it; else -1.
    /// </summary>
    private int CurrentSession(FlowKey key, bool outside)
    {
        int current = _tracker!.Current;
        if (!_table.IsSession(current))
        {
            return -1;
        }
        return (outside ? _table.OutsideKeyOf(current) : _table.InsideKeyOf(current)) == key ? current : -1;
    }

    // The connection another feature tracks for the packet being handled (the firewall that let it in), or -1.
    private int ForeignCurrent() => _tracker is { Current: var current and >= 0 } && !_table.IsSession(current) ? current : -1;

    private int NewOutboundSession(byte protocol, uint inside, ushort insidePort, uint remote, ushort remotePort, int mapping, long now,
        out NatDrop refused)
    {
        var table = _table;
        if (table.IsFull)
        {
            refused = NatDrop.SessionLimit;
            ReportFull();
            return -1;
        }
        if (_limiter.TryTake(inside, now) is { } limited)
        {
            refused = limited;
            return -1;
        }
        if (table.HostSessions(inside) >= MaxSessionsPerHost)
        {
            refused = NatDrop.HostLimit;
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                NatLog.HostLimit(_logger, _name, new Ipv4Address(inside).ToString(), MaxSessionsPerHost);
            }
            return -1;
        }
        bool made = false;
        if (mapping < 0)
        {
            // RFC 4787 REQ-2 ("paired"): an inside host always gets the same external address, picked by its address.
            int external = (int)((inside * 0x9E3779B1u) >> 16) % _externals.Length;
            var (remoteKey, remotePortKey) = MappingKey(remote, remotePort);
            mapping = table.AddMapping(protocol, inside, insidePort, external, _externals[external], -1, remoteKey, remotePortKey);
            if (mapping < 0)
            {
                refused = NatDrop.PortsExhausted;
                ReportPortsExhausted(protocol, external);
                return -1;
            }
            made = true;
        }
        int session = table.AddSession(mapping, remote, remotePort, now + Timeout(protocol, TcpSeen.None), MaxSessionsPerHost, inbound: false,
            out refused, ForeignCurrent());
        if (session < 0)
        {
            if (made)
            {
                table.ReleaseIfUnused(mapping);
            }
            return -1;
        }
        Counters.Increment(NatEvent.SessionsCreated);
        return session;
    }

    // The part of the remote endpoint that selects a mapping: none (endpoint-independent), its address, or both.
    private (uint Address, ushort Port) MappingKey(uint remote, ushort remotePort) => Options.Mapping switch
    {
        NatMapping.AddressDependent => (remote, 0),
        NatMapping.AddressAndPortDependent => (remote, remotePort),
        _ => (0, 0),
    };

    /// <summary>
    /// The mapping an inside endpoint's packet to a remote endpoint uses: the one for its mapping key, or a port forward of
    /// the endpoint (whose traffic always leaves from the forwarded port, whatever the mapping mode); -1 when none.
    /// </summary>
    private int FindOutboundMapping(byte protocol, uint inside, ushort insidePort, uint remote, ushort remotePort)
    {
        var (remoteKey, remotePortKey) = MappingKey(remote, remotePort);
        int mapping = _table.FindByInside(protocol, inside, insidePort, remoteKey, remotePortKey);
        if (mapping < 0 && (remoteKey | remotePortKey) != 0)
        {
            int forward = _table.FindByInside(protocol, inside, insidePort);
            if (forward >= 0 && _table.MappingAt(forward).Static)
            {
                mapping = forward;
            }
        }
        return mapping;
    }

    private void ReportFull()
    {
        if (!_fullReported)
        {
            _fullReported = true;
            NatLog.TableFull(_logger, _name, _table.SessionCapacity);
        }
    }

    private void ReportPortsExhausted(byte protocol, int external)
    {
        if (!_portsReported)
        {
            _portsReported = true;
            NatLog.PortsExhausted(_logger, _name, ProtocolName(protocol), new Ipv4Address(_externals[external]).ToString(), Options.PortMin, Options.PortMax);
        }
    }

    internal static string ProtocolName(byte protocol) => protocol switch
    {
        Ipv4Header.ProtocolTcp => "tcp",
        Ipv4Header.ProtocolUdp => "udp",
        Ipv4Header.ProtocolIcmp => "icmp",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

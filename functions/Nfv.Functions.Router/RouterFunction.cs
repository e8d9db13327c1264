using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;
using Nfv.Ip.Connections;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// A dual-stack router. IPv4 (RFC 1812): interfaces with addresses and MTUs, a longest-prefix-match FIB over connected
/// and static routes, ARP, TTL and header checks, ICMP errors (rate limited), echo replies, fragmentation, and L3
/// feature hooks on each interface. IPv6 (RFC 8200, 4861, 4443), in <c>RouterFunction.Ipv6.cs</c>: its own FIB,
/// neighbour discovery, router advertisements, duplicate address detection, ICMPv6 errors and echo replies.
/// </summary>
/// <remarks>
/// Runs on one dataplane worker: not thread-safe, except <see cref="Counters"/>, which any thread may read.
/// Frames are untagged Ethernet; the IPv4 header starts at byte 14.
/// </remarks>
public sealed partial class RouterFunction : INetworkFunction
{
    private const int IpOffset = EthernetHeader.Size;

    private sealed class Interface
    {
        public required string Name;
        public MacAddress Mac;
        public Ipv4Address Primary;
        public int Mtu;
        public bool Linked;
        public IIpv4Feature[] Features = [];
        // Features run on output in the reverse order: the first listed is nearest the wire both ways (a NAT listed before
        // a firewall translates after the firewall on the way out and before it on the way in, so the firewall always
        // sees the inside's addresses).
        public IIpv4Feature[] OutputFeatures = [];
        // Features run on input here: this interface's own, then router-scoped ones of other interfaces (a NAT's hairpin).
        public IIpv4Feature[] InputFeatures = [];
        // IPv6 addresses, duplicate detection and advertisements; null: the interface has no IPv6 and drops it.
        public Ipv6State? V6;
    }

    private readonly string _name;
    private readonly Interface[] _interfaces;
    private readonly RouteTable _routes;
    private readonly Ipv6RouteTable _routes6;
    private readonly ArpTable _arp;
    private readonly NeighbourCache _neighbours;
    private readonly NeighbourSink _ndSink;
    private bool _neighbourFullReported;
    private readonly Ipv4Endpoint _endpoint;
    private ConnectionTracker? _tracker; // shared by the features that track connections; set once, while attaching them
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ArpSink _sink;
    private readonly Packet[] _fragments;
    private readonly long _frequency;
    private readonly long _icmpRate;
    private readonly long _icmpCapacity;
    private long _icmpTokens;
    private long _icmpRefilled;
    private ushort _ipId;
    private bool _arpFullReported;

    /// <summary>Creates a router.</summary>
    /// <param name="name">The function's name in the topology (for logs).</param>
    /// <param name="options">Its checked configuration; <see cref="RouterOptions.Interfaces"/> fixes the port indices.</param>
    /// <param name="connectedPorts">For each interface, whether a link is attached; routes out of the others drop. Null: all are.</param>
    /// <param name="time">The clock (ARP ageing and retries, ICMP rate limit); null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where warnings go; null for none.</param>
    /// <param name="features">Per interface (by index), the L3 features it runs, in order; null or shorter lists: none.</param>
    public RouterFunction(string name, RouterOptions options, IReadOnlyList<bool>? connectedPorts = null, TimeProvider? time = null,
        ILogger? logger = null, IReadOnlyList<IReadOnlyList<IIpv4Feature>?>? features = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        Options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _frequency = _time.TimestampFrequency;

        _interfaces = new Interface[options.Interfaces.Count];
        for (int i = 0; i < _interfaces.Length; i++)
        {
            var config = options.Interfaces[i];
            if (config.Addresses.Count == 0 && config.Ipv6Addresses.Count == 0)
            {
                throw new ArgumentException($"Interface '{config.Name}' has no address.", nameof(options));
            }
            ArgumentOutOfRangeException.ThrowIfLessThan(config.Mtu, RouterInterface.MinMtu, nameof(options));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(config.Mtu, RouterInterface.MaxMtu, nameof(options));
            _interfaces[i] = new Interface
            {
                Name = config.Name,
                Mac = config.Mac.Value == 0 ? RouterInterface.DefaultMac(name, config.Name) : config.Mac,
                Primary = config.Addresses.Count > 0 ? config.Addresses[0].Address : Ipv4Address.Any,
                Mtu = config.Mtu,
                Linked = connectedPorts is null || (i < connectedPorts.Count && connectedPorts[i]),
                Features = features is not null && i < features.Count && features[i] is { } list ? [.. list] : [],
            };
            _interfaces[i].V6 = MakeIpv6State(config, _interfaces[i].Mac);
        }

        AttachFeatures(name, options);

        var problems = new List<(StaticRoute Route, string Problem)>();
        _routes = RouteTable.Build(options.Interfaces, options.Routes, problems);
        foreach (var (route, problem) in problems)
        {
            RouterLog.RouteLeftOut(_logger, name, route.ToString(), problem);
        }
        var ipv6Problems = new List<(Ipv6StaticRoute Route, string Problem)>();
        _routes6 = Ipv6RouteTable.Build(options.Interfaces, options.Ipv6Routes, ipv6Problems);
        foreach (var (route, problem) in ipv6Problems)
        {
            RouterLog.RouteLeftOut(_logger, name, route.ToString(), problem);
        }
        _neighbours = new NeighbourCache(options.NeighbourCacheSize, options.NeighbourReachable, options.ArpQueueLength, RouterOptions.ArpQueueTotal,
            options.ArpRetryInterval, options.ArpAttempts, _frequency);
        _ndSink = new NeighbourSink(this);
        _arp = new ArpTable(options.ArpCacheSize, options.ArpReachable, options.ArpQueueLength, RouterOptions.ArpQueueTotal,
            options.ArpRetryInterval, options.ArpAttempts, _frequency);
        var endpointInterfaces = new (MacAddress, IReadOnlyList<Ipv4Prefix>)[_interfaces.Length];
        for (int i = 0; i < _interfaces.Length; i++)
        {
            endpointInterfaces[i] = (_interfaces[i].Mac, options.Interfaces[i].Addresses);
        }
        _endpoint = new Ipv4Endpoint(endpointInterfaces, _arp);
        _sink = new ArpSink(this);
        // The most fragments one datagram can make: 65535 bytes in 8-byte pieces.
        _fragments = new Packet[65536 / 8 + 1];
        _icmpRate = Math.Max(0, options.IcmpRate);
        _icmpCapacity = Math.Max(1, options.IcmpBurst) * _frequency;
        _icmpTokens = _icmpCapacity;
        _icmpRefilled = _time.GetTimestamp();
    }

    // Tells each feature where it is; a feature that asks for the router scope also sees input on the other interfaces.
    private void AttachFeatures(string name, RouterOptions options)
    {
        var local = new List<Ipv4Address>();
        foreach (var config in options.Interfaces)
        {
            foreach (var prefix in config.Addresses)
            {
                local.Add(prefix.Address);
            }
        }
        // One connection table for all the features that track connections, so they share each connection's entry.
        long tracked = _interfaces.Sum(i => i.Features.Sum(f => (long)f.TrackedConnections));
        _tracker = tracked > 0 ? new ConnectionTracker((int)Math.Min(tracked, int.MaxValue / 4)) : null;
        var input = new List<IIpv4Feature>[_interfaces.Length];
        var routerScoped = new List<(int Interface, IIpv4Feature Feature)>();
        for (int i = 0; i < _interfaces.Length; i++)
        {
            input[i] = [.. _interfaces[i].Features];
            _interfaces[i].OutputFeatures = [.. _interfaces[i].Features.Reverse()];
            foreach (var feature in _interfaces[i].Features)
            {
                var scope = feature.Attach(new Ipv4FeatureAttachment(name, i, options.Interfaces[i].Name, options.Interfaces[i].Addresses, local)
                {
                    Connections = _tracker,
                });
                if (scope == Ipv4FeatureScope.Router)
                {
                    routerScoped.Add((i, feature));
                }
            }
        }
        foreach (var (owner, feature) in routerScoped)
        {
            for (int i = 0; i < _interfaces.Length; i++)
            {
                if (i != owner)
                {
                    input[i].Add(feature);
                }
            }
        }
        for (int i = 0; i < _interfaces.Length; i++)
        {
            _interfaces[i].InputFeatures = [.. input[i]];
        }
    }

    /// <summary>The function's name in the topology.</summary>
    public string Name => _name;

    /// <summary>Which of the router's instances this is, when it runs as an instance per worker; 0 otherwise.</summary>
    public int Instance { get; init; }

    /// <summary>
    /// How many instances of the router run (one per worker, or 1). With more than one, the router asks its features which
    /// instance owns each packet's flow (<see cref="IIpv4Feature.InstanceFor"/>) and hands it there.
    /// </summary>
    public int InstanceCount { get; init; } = 1;

    /// <summary>Shared by the instances of a router run per worker: what each learned by ARP; null when it runs once.</summary>
    internal NeighbourShare<Ipv4Address>? ArpShare
    {
        get;
        init
        {
            field = value;
            _arp.Bound = value?.Bound; // the instances' tables hold the cache's size together
        }
    }

    /// <summary>Shared by the instances of a router run per worker: what each learned by neighbour discovery; null when it runs once.</summary>
    internal NeighbourShare<Ipv6Address>? NeighbourShare
    {
        get;
        init
        {
            field = value;
            _neighbours.Bound = value?.Bound;
        }
    }

    /// <summary>The configuration the router runs with.</summary>
    public RouterOptions Options { get; }

    /// <summary>What the router did so far; readable from any thread.</summary>
    public EventCounters<RouterEvent> Counters { get; } = new();

    /// <summary>The routing table (routes never change while it runs, so any thread may read it).</summary>
    public RouteTable Routes => _routes;

    /// <summary>The MAC address of interface <paramref name="index"/>.</summary>
    public MacAddress InterfaceMac(int index) => _interfaces[index].Mac;

    /// <summary>The ARP table. Worker thread only (or tests).</summary>
    internal ArpTable Arp => _arp;

    /// <summary>The ARP entries, for <c>nfv show arp</c>. Worker thread only for now: allocates and is not synchronised.</summary>
    public IReadOnlyList<NeighbourEntry<Ipv4Address>> GetArpTable() => _arp.Snapshot(_time.GetTimestamp());

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            Receive(packet, emit, now);
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit)
    {
        long now = _time.GetTimestamp();
        _sink.Emit = emit;
        _sink.Now = now;
        if (ArpShare is not null)
        {
            ResolveFromShare(_arp, ArpShare, RouterEvent.ArpLearned, emit, now);
        }
        Counters.Add(RouterEvent.ArpFailed, _arp.OnTimer(now, _sink));
        _sink.Emit = null;
        if (_arpFullReported && !_arp.IsFull)
        {
            _arpFullReported = false;
        }
        OnTimer6(emit, now);
    }

    private void Receive(Packet packet, Emitter emit, long now)
    {
        var frame = packet.Data;
        if (frame.Length < EthernetHeader.Size)
        {
            emit.Drop(packet, RouterDrop.Runt);
            return;
        }
        int inPort = packet.InputPort;
        if ((uint)inPort >= (uint)_interfaces.Length)
        {
            emit.Drop(packet, RouterDrop.UnknownInputPort);
            return;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
        bool ipv4 = _interfaces[inPort].Primary.Value != 0; // an IPv6-only interface drops IPv4 and ARP
        if (type == EthernetHeader.TypeIpv4 && ipv4)
        {
            ReceiveIpv4(packet, inPort, emit, now);
        }
        else if (type == EthernetHeader.TypeArp && ipv4)
        {
            ReceiveArp(packet, inPort, emit, now);
        }
        else if (type == EthernetHeader.TypeIpv6)
        {
            ReceiveIpv6(packet, inPort, emit, now);
        }
        else
        {
            emit.Drop(packet, RouterDrop.UnsupportedEtherType);
        }
    }

    private void ReceiveIpv4(Packet packet, int inPort, Emitter emit, long now)
    {
        var ingress = _interfaces[inPort];
        var frame = packet.Data;
        var destinationMac = EthernetHeader.Destination(frame);
        bool linkBroadcast = destinationMac.IsMulticast;
        if (!linkBroadcast && destinationMac != ingress.Mac)
        {
            emit.Drop(packet, RouterDrop.OtherHost);
            return;
        }

        // 1. Header checks (RFC 1812 §5.2.2).
        if (frame.Length < IpOffset + Ipv4Header.MinSize)
        {
            emit.Drop(packet, RouterDrop.Truncated);
            return;
        }
        var ip = frame[IpOffset..];
        var check = Ipv4Header.Check(ip);
        if (check != Ipv4HeaderCheck.Valid)
        {
            emit.Drop(packet, check switch
            {
                Ipv4HeaderCheck.BadVersion => RouterDrop.BadVersion,
                Ipv4HeaderCheck.BadHeaderLength => RouterDrop.BadHeaderLength,
                Ipv4HeaderCheck.BadChecksum => RouterDrop.BadChecksum,
                _ => RouterDrop.Truncated,
            });
            return;
        }
        int total = Ipv4Header.TotalLength(ip);
        if (total < ip.Length && !packet.Offload.IsGso)
        {
            // Ethernet padding (a 60-byte minimum frame carrying a short datagram): not part of the datagram.
            packet.SetLength(IpOffset + total);
        }
        if (Ipv4Frames.IsMartianSource(Ipv4Header.Source(ip)))
        {
            emit.Drop(packet, RouterDrop.MartianSource);
            return;
        }

        // 2. Input features: before the routing decision, so a rewritten destination is routed by its new value.
        _tracker?.Begin();
        if (ingress.InputFeatures.Length != 0)
        {
            var context = new Ipv4HookContext(inPort, ingress.Primary, IpOffset, Ipv4Address.Any, now);
            if (InstanceCount > 1 && HandedOver(packet, ingress.InputFeatures, context, leaving: false, emit))
            {
                return;
            }
            foreach (var feature in ingress.InputFeatures)
            {
                var verdict = feature.Input(packet, context, emit);
                if (verdict != Ipv4FeatureVerdict.Consumed)
                {
                    if (packet.IsTraced)
                    {
                        emit.Trace(packet, $"input feature {feature.Name} on {ingress.Name}: {verdict}");
                    }
                }
                if (verdict == Ipv4FeatureVerdict.Consumed)
                {
                    return;
                }
                if (verdict == Ipv4FeatureVerdict.Drop)
                {
                    emit.Drop(packet, RouterDrop.FeatureDrop);
                    return;
                }
            }
            frame = packet.Data;
            ip = frame[IpOffset..];
        }

        // 3. The routing decision.
        var destination = Ipv4Header.Destination(ip);
        uint first = destination.Value >> 24;
        if (Ipv4Frames.IsLimitedBroadcast(destination))
        {
            emit.Drop(packet, RouterDrop.Broadcast);
            return;
        }
        if (Ipv4Frames.IsMulticast(destination))
        {
            emit.Drop(packet, RouterDrop.Multicast);
            return;
        }
        if (first == 0 || first == 127 || first >= 240)
        {
            emit.Drop(packet, RouterDrop.MartianDestination);
            return;
        }
        int index = _routes.Lookup(destination);
        if (index < 0)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"no route to {destination}");
            }
            if (!linkBroadcast)
            {
                SendIcmpError(packet, inPort, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeNetUnreachable, 0, emit, now);
            }
            emit.Drop(packet, RouterDrop.NoRoute);
            return;
        }
        ref readonly Route route = ref _routes[index];
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"{DescribeRoute(route, destination)}");
        }
        if (route.Kind == RouteKind.Local)
        {
            DeliverLocal(packet, inPort, destination, emit, now);
            return;
        }
        if (route.Kind == RouteKind.Broadcast || linkBroadcast)
        {
            // A directed broadcast, or a unicast datagram in a link-layer broadcast (RFC 1812 §5.3.4): not forwarded.
            emit.Drop(packet, RouterDrop.Broadcast);
            return;
        }
        Forward(packet, inPort, in route, destination, emit, now);
    }

    private void Forward(Packet packet, int inPort, in Route route, Ipv4Address destination, Emitter emit, long now)
    {
        int outPort = route.Interface;
        var egress = _interfaces[outPort];
        if (!egress.Linked)
        {
            emit.Drop(packet, RouterDrop.EgressNotLinked);
            return;
        }
        var ip = packet.Data[IpOffset..];
        if (Ipv4Header.Ttl(ip) <= 1)
        {
            SendIcmpError(packet, inPort, IcmpHeader.TypeTimeExceeded, IcmpHeader.CodeTtlExceeded, 0, emit, now);
            emit.Drop(packet, RouterDrop.TtlExpired);
            return;
        }

        // MTU: a GSO super-frame is judged by the datagrams it will be cut into, not by its own length.
        int length = packet.Offload.IsGso ? GsoSegmentLength(packet, ip) : Ipv4Header.TotalLength(ip);
        if (length > egress.Mtu && (packet.Offload.IsGso || Ipv4Header.IsDontFragment(ip)))
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{length}-byte datagrams do not fit the MTU {egress.Mtu} of {egress.Name} and may not be fragmented");
            }
            SendIcmpError(packet, inPort, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeFragmentationNeeded, (uint)egress.Mtu, emit, now);
            emit.Drop(packet, RouterDrop.FragmentationNeeded);
            return;
        }

        var nextHop = route.NextHop.Value != 0 ? route.NextHop : destination;
        if (InstanceCount > 1 && egress.Features.Length != 0 &&
            HandedOver(packet, egress.OutputFeatures, new Ipv4HookContext(outPort, egress.Primary, IpOffset, nextHop, now), leaving: true, emit))
        {
            return;
        }
        Ipv4Header.DecrementTtl(ip);

        if (egress.Features.Length != 0 && !RunOutputFeatures(packet, outPort, nextHop, emit, now))
        {
            return;
        }

        if (_arp.TryLookup(outPort, nextHop, now, out var mac))
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"next hop {nextHop} is at {mac}: TTL decremented, MACs rewritten");
            }
            Transmit(packet, outPort, mac, emit);
            return;
        }
        Resolve(packet, outPort, nextHop, emit, now);
    }

    // Run as several instances: true when a feature says another instance owns the packet's flow, and it was handed there,
    // unchanged, to be routed from the start.
    private bool HandedOver(Packet packet, IIpv4Feature[] features, in Ipv4HookContext context, bool leaving, Emitter emit)
    {
        foreach (var feature in features)
        {
            int owner = feature.InstanceFor(packet, context, leaving);
            if (owner >= 0 && owner != Instance)
            {
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"feature {feature.Name} owns its flow on instance {owner}: handed over");
                }
                Counters.Increment(RouterEvent.HandedOver);
                emit.ToInstance(owner, packet);
                return true;
            }
        }
        return false;
    }

    // The output features of an interface; false when one of them ended the packet (consumed, or dropped here).
    private bool RunOutputFeatures(Packet packet, int outPort, Ipv4Address nextHop, Emitter emit, long now)
    {
        var egress = _interfaces[outPort];
        var context = new Ipv4HookContext(outPort, egress.Primary, IpOffset, nextHop, now);
        foreach (var feature in egress.OutputFeatures)
        {
            var verdict = feature.Output(packet, context, emit);
            if (verdict == Ipv4FeatureVerdict.Consumed)
            {
                return false;
            }
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"output feature {feature.Name} on {egress.Name}: {verdict}");
            }
            if (verdict == Ipv4FeatureVerdict.Drop)
            {
                emit.Drop(packet, RouterDrop.FeatureDrop);
                return false;
            }
        }
        return true;
    }

    // Ethernet rewrite and send; fragments a datagram (DF clear: Forward sent the others back) bigger than the MTU.
    private void Transmit(Packet packet, int outPort, MacAddress nextHopMac, Emitter emit)
    {
        var egress = _interfaces[outPort];
        var frame = packet.Data;
        nextHopMac.Write(frame);
        egress.Mac.Write(frame[6..]);
        Counters.Increment(RouterEvent.Forwarded);
        if (!packet.Offload.IsGso && frame.Length - IpOffset > egress.Mtu)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{frame.Length - IpOffset} bytes > MTU {egress.Mtu} of {egress.Name}: fragmented");
            }
            Fragment(packet, outPort, egress.Mtu, emit);
            return;
        }
        emit.To(outPort, packet);
    }

    // Run per worker: finishes the resolutions under way that another instance has learned the answer to (the answer
    // reached that instance's queue).
    private void ResolveFromShare<TAddress>(NeighbourTable<TAddress> table, NeighbourShare<TAddress> share, RouterEvent learned, Emitter emit, long now)
        where TAddress : struct, INeighbourAddress<TAddress>
    {
        for (int i = table.NextIncomplete(0, out int iface, out var address); i >= 0; i = table.NextIncomplete(i + 1, out iface, out address))
        {
            if (share.TryGet((iface, address), now, out var mac))
            {
                Counters.Increment(learned);
                Flush(table, table.Update(iface, address, mac, now, create: false), iface, mac, emit);
            }
        }
    }

    // Run per worker, a next hop this instance has not resolved: true when another instance has, and the packet went out
    // (after what waited for the same next hop).
    private bool SentWithShared<TAddress>(NeighbourTable<TAddress> table, NeighbourShare<TAddress>? share, RouterEvent learned, Packet packet,
        int outPort, TAddress nextHop, Emitter emit, long now) where TAddress : struct, INeighbourAddress<TAddress>
    {
        if (share is null || !share.TryGet((outPort, nextHop), now, out var known) || table.Update(outPort, nextHop, known, now, create: true) is not (>= 0 and var entry))
        {
            return false;
        }
        Counters.Increment(learned);
        Flush(table, entry, outPort, known, emit);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"next hop {nextHop} is at {known}, learned by another instance of the router");
        }
        Transmit(packet, outPort, known, emit);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Resolve(Packet packet, int outPort, Ipv4Address nextHop, Emitter emit, long now)
    {
        if (SentWithShared(_arp, ArpShare, RouterEvent.ArpLearned, packet, outPort, nextHop, emit, now))
        {
            return;
        }
        var result = _arp.Enqueue(outPort, nextHop, packet, now, out bool sendRequest);
        if (sendRequest)
        {
            SendArpRequest(outPort, nextHop, emit);
        }
        if (packet.IsTraced)
        {
            emit.Trace(packet, result switch
            {
                NeighbourEnqueueResult.Queued => $"next hop {nextHop} not resolved yet: a copy waits for its ARP reply{(sendRequest ? $", ARP request sent out {_interfaces[outPort].Name}" : "")}",
                NeighbourEnqueueResult.TableFull => $"next hop {nextHop} not resolved and the ARP table is full",
                _ => $"next hop {nextHop} not resolved and its ARP queue is full",
            });
        }
        switch (result)
        {
            case NeighbourEnqueueResult.Queued:
                emit.Drop(packet, RouterDrop.ArpQueued);
                break;
            case NeighbourEnqueueResult.TableFull:
                Counters.Increment(RouterEvent.ArpTableFull);
                if (!_arpFullReported)
                {
                    _arpFullReported = true;
                    RouterLog.ArpTableFull(_logger, _name, _arp.Capacity);
                }
                emit.Drop(packet, RouterDrop.ArpQueueFull);
                break;
            default:
                emit.Drop(packet, RouterDrop.ArpQueueFull);
                break;
        }
    }

    private void SendArpRequest(int iface, Ipv4Address target, Emitter emit)
    {
        if (_endpoint.SendArpRequest(iface, target, emit))
        {
            Counters.Increment(RouterEvent.ArpRequests);
        }
        else
        {
            Counters.Increment(RouterEvent.AllocateFailed);
        }
    }

    private void ReceiveArp(Packet packet, int inPort, Emitter emit, long now)
    {
        // Read before the endpoint may turn the packet into its reply.
        var sender = packet.Length >= EthernetHeader.Size + 28 ? Ipv4Address.Read(packet.Data[(EthernetHeader.Size + 14)..]) : Ipv4Address.Any;
        var result = _endpoint.ReceiveArp(packet, inPort, now, emit, out int entry, out var senderMac);
        if (entry >= 0)
        {
            Counters.Increment(RouterEvent.ArpLearned);
            ArpShare?.Put((inPort, sender), senderMac, now);
            int sent = Flush(_arp, entry, inPort, senderMac, emit);
            if (sent > 0 && result != ArpReceiveResult.Replied)
            {
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"ARP resolved: {sent} waiting packet(s) sent to {senderMac} out {_interfaces[inPort].Name}");
                }
            }
        }
        switch (result)
        {
            case ArpReceiveResult.Replied:
                Counters.Increment(RouterEvent.ArpReplies);
                break;
            case ArpReceiveResult.Malformed:
                emit.Drop(packet, RouterDrop.BadArp);
                break;
            default:
                emit.Drop(packet, RouterDrop.ArpConsumed);
                break;
        }
    }

    // Sends what waited in table for a next hop that just resolved (an ARP or a neighbour entry); returns how many.
    private int Flush<TAddress>(NeighbourTable<TAddress> table, int entry, int outPort, MacAddress mac, Emitter emit)
        where TAddress : struct, INeighbourAddress<TAddress>
    {
        int sent = 0;
        while (table.TryDequeue(entry, out var held))
        {
            var packet = emit.Allocate();
            if (packet is null)
            {
                Counters.Increment(RouterEvent.AllocateFailed);
                table.Release(held);
                continue;
            }
            packet.CopyFrom(held);
            table.Release(held);
            Transmit(packet, outPort, mac, emit);
            sent++;
        }
        return sent;
    }

    private void DeliverLocal(Packet packet, int inPort, Ipv4Address destination, Emitter emit, long now)
    {
        Counters.Increment(RouterEvent.LocalDelivered);
        var ip = packet.Data[IpOffset..];
        if (Ipv4Header.IsFragment(ip))
        {
            emit.Drop(packet, RouterDrop.LocalFragment);
            return;
        }
        if (packet.Offload.IsGso || !Checksum.CompletePartial(packet))
        {
            emit.Drop(packet, RouterDrop.LocalUnserved);
            return;
        }
        int headerLength = Ipv4Header.HeaderLength(ip);
        int total = Ipv4Header.TotalLength(ip);
        switch (Ipv4Header.Protocol(ip))
        {
            case Ipv4Header.ProtocolIcmp:
                var icmp = ip[headerLength..total];
                if (icmp.Length >= IcmpHeader.Size && IcmpHeader.Type(icmp) == IcmpHeader.TypeEchoRequest &&
                    IcmpHeader.Code(icmp) == 0 && Checksum.IsValid(icmp))
                {
                    if (packet.IsTraced)
                    {
                        emit.Trace(packet, $"echo request to {destination}: answered with an echo reply");
                    }
                    Ipv4Frames.AnswerEchoRequest(packet, _interfaces[inPort].Mac, destination);
                    Counters.Increment(RouterEvent.EchoReplies);
                    emit.To(inPort, packet);
                    return;
                }
                emit.Drop(packet, RouterDrop.LocalUnserved);
                return;
            case Ipv4Header.ProtocolUdp:
                SendIcmpError(packet, inPort, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodePortUnreachable, 0, emit, now);
                emit.Drop(packet, RouterDrop.PortUnreachable);
                return;
            case Ipv4Header.ProtocolTcp:
                // A host would answer with a TCP reset; the router serves no TCP and stays silent.
                emit.Drop(packet, RouterDrop.LocalUnserved);
                return;
            default:
                SendIcmpError(packet, inPort, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeProtocolUnreachable, 0, emit, now);
                emit.Drop(packet, RouterDrop.ProtocolUnreachable);
                return;
        }
    }

    /// <summary>
    /// Sends an ICMP error about <paramref name="offending"/> back out of <paramref name="inPort"/> to the frame's
    /// source, unless RFC 1812 §4.3.2.7 forbids it (about an ICMP error, a fragment after the first, a broadcast or
    /// multicast, a martian source) or the rate limit's bucket is empty. Never ends <paramref name="offending"/>.
    /// </summary>
    private void SendIcmpError(Packet offending, int inPort, byte type, byte code, uint rest, Emitter emit, long now)
    {
        var frame = offending.Data;
        var ip = frame[IpOffset..];
        if (Ipv4Header.IsLaterFragment(ip) || EthernetHeader.Destination(frame).IsMulticast)
        {
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMP {IcmpName(type, code)}: not sent about a later fragment or a link broadcast (RFC 1812 4.3.2.7)");
            }
            return;
        }
        var destination = Ipv4Header.Destination(ip);
        var source = Ipv4Header.Source(ip);
        if (Ipv4Frames.IsMulticast(destination) || Ipv4Frames.IsLimitedBroadcast(destination) || Ipv4Frames.IsMartianSource(source))
        {
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMP {IcmpName(type, code)}: not sent about a broadcast, multicast or martian (RFC 1812 4.3.2.7)");
            }
            return;
        }
        int headerLength = Ipv4Header.HeaderLength(ip);
        if (Ipv4Header.Protocol(ip) == Ipv4Header.ProtocolIcmp && ip.Length > headerLength && IcmpHeader.IsError(ip[headerLength]))
        {
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMP {IcmpName(type, code)}: not sent about an ICMP error");
            }
            return;
        }
        if (!TakeIcmpToken(now))
        {
            Counters.Increment(RouterEvent.IcmpRateLimited);
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMP {IcmpName(type, code)}: rate limited");
            }
            return;
        }
        var packet = emit.Allocate();
        if (packet is null)
        {
            Counters.Increment(RouterEvent.AllocateFailed);
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMP {IcmpName(type, code)}: the packet pool is empty");
            }
            return;
        }
        var ingress = _interfaces[inPort];
        Ipv4Frames.WriteIcmpError(packet, frame, ingress.Mac, _endpoint.SourceAddressFor(inPort, source), type, code, rest, _ipId++);
        Counters.Increment(RouterEvent.IcmpErrors);
        if (offending.IsTraced)
        {
            emit.Trace(offending, $"ICMP {IcmpName(type, code)} sent to {source} out {ingress.Name}");
        }
        // The error leaves by the ingress interface: its output features see it, so a NAT there translates the datagram
        // it quotes (which the input features may have rewritten) back to what the sender sent.
        _tracker?.Begin(); // the error is a packet of its own
        if (ingress.Features.Length != 0 && !RunOutputFeatures(packet, inPort, source, emit, now))
        {
            return;
        }
        emit.To(inPort, packet);
    }

    // For traces only.
    private string DescribeRoute(in Route route, Ipv4Address destination) => route.Kind switch
    {
        RouteKind.Local => $"{destination} is the router's own (route local {route.Prefix})",
        RouteKind.Broadcast => $"{destination} is a directed broadcast (route broadcast {route.Prefix})",
        _ when route.NextHop.Value != 0 => $"route {route.Prefix} via {route.NextHop} out {_interfaces[route.Interface].Name} ({route.Kind.ToString().ToLowerInvariant()})",
        _ => $"route {route.Prefix} out {_interfaces[route.Interface].Name} ({route.Kind.ToString().ToLowerInvariant()})",
    };

    // For traces only.
    private static string IcmpName(byte type, byte code) => (type, code) switch
    {
        (IcmpHeader.TypeTimeExceeded, _) => "time exceeded",
        (IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeNetUnreachable) => "net unreachable",
        (IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeHostUnreachable) => "host unreachable",
        (IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeProtocolUnreachable) => "protocol unreachable",
        (IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodePortUnreachable) => "port unreachable",
        (IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeFragmentationNeeded) => "fragmentation needed",
        _ => $"type {type} code {code}",
    };

    // Token bucket: IcmpRate tokens a second, at most IcmpBurst saved; one token per error. Kept in clock ticks
    // (one token = _frequency) so the refill is integer arithmetic.
    private bool TakeIcmpToken(long now)
    {
        if (_icmpRate == 0)
        {
            return false;
        }
        long elapsed = now - _icmpRefilled;
        _icmpRefilled = now;
        if (elapsed > 0)
        {
            _icmpTokens = Math.Min(_icmpCapacity, _icmpTokens + Math.Min(elapsed, _icmpCapacity) * _icmpRate);
        }
        if (_icmpTokens < _frequency)
        {
            return false;
        }
        _icmpTokens -= _frequency;
        return true;
    }

    // The IP length of each segment a GSO super-frame will be cut into: IP header, L4 header and gso_size.
    private static int GsoSegmentLength(Packet packet, ReadOnlySpan<byte> ip)
    {
        int headerLength = Ipv4Header.HeaderLength(ip);
        int l4Header = UdpHeader.Size;
        if ((packet.Offload.GsoType & ~VirtioNetHeader.GsoEcn) == VirtioNetHeader.GsoTcpV4 && ip.Length >= headerLength + 20)
        {
            l4Header = (ip[headerLength + 12] >> 4) * 4;
        }
        return headerLength + l4Header + packet.Offload.GsoSize;
    }

    private sealed class ArpSink(RouterFunction router) : INeighbourTimerSink<Ipv4Address>
    {
        public Emitter? Emit;
        public long Now;

        public void SendRequest(int iface, Ipv4Address target) => router.SendArpRequest(iface, target, Emit!);

        public void ResolutionFailed(int iface, Ipv4Address target, Packet waiting)
        {
            if (router._logger.IsEnabled(LogLevel.Debug))
            {
                RouterLog.ArpFailed(router._logger, router._name, target.ToString(), router._interfaces[iface].Name);
            }
            int inPort = waiting.InputPort;
            if ((uint)inPort < (uint)router._interfaces.Length)
            {
                router.SendIcmpError(waiting, inPort, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeHostUnreachable, 0, Emit!, Now);
            }
        }
    }
}

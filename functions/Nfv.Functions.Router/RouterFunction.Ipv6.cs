using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

// IPv6 (RFC 8200, RFC 4861, RFC 4443): on the interfaces that have IPv6 addresses, the router forwards by longest
// prefix over Ipv6RouteTable, resolves next hops by neighbour discovery in a NeighbourCache, answers solicitations and
// echo requests for its addresses, sends router advertisements where configured, checks its own addresses for
// duplicates, and sends the ICMPv6 errors traceroute, tracepath and ping expect. It never fragments (routers may not).
// L3 features are IPv4 features: IPv6 passes none.
public sealed partial class RouterFunction
{
    // What an interface needs for IPv6; null on interfaces without IPv6 addresses, which drop IPv6.
    private sealed class Ipv6State
    {
        public Ipv6Address LinkLocal;
        public Ipv6Address Source;            // ICMPv6 errors to global sources come from here: the first global address
        public required Ipv6Address[] Own;    // every address of the interface, link-local ones included
        public required bool[] Duplicate;     // per Own: found in use by another node; not answered for
        public long DadDeadline;              // 0: detection not started; long.MaxValue: over
        public byte[]? Advertisement;         // the RA's ICMPv6 message; null: none sent on this interface
        public long AdvertisementInterval;
        public long NextAdvertisement;
        public long LastMulticastAdvertisement = long.MinValue / 2;
        public int AdvertisementsSent;
    }

    // The first unsolicited advertisements come this often at most (RFC 4861 MAX_INITIAL_RTR_ADVERT_INTERVAL) ...
    private static readonly TimeSpan s_initialAdvertisementInterval = TimeSpan.FromSeconds(16);
    // ... for this many (MAX_INITIAL_RTR_ADVERTISEMENTS).
    private const int InitialAdvertisements = 3;
    // How long duplicate address detection listens after its solicitation (RetransTimer, RFC 4862 §5.4).
    private static readonly TimeSpan s_dadWait = TimeSpan.FromSeconds(1);

    private Ipv6State? MakeIpv6State(RouterInterface config, MacAddress mac)
    {
        if (config.Ipv6Addresses.Count == 0)
        {
            return null;
        }
        var linkLocal = config.LinkLocal;
        Ipv6Address[] own = [linkLocal, .. config.Ipv6Addresses.Select(a => a.Address).Where(a => a != linkLocal)];
        var state = new Ipv6State
        {
            LinkLocal = linkLocal,
            Source = own.FirstOrDefault(a => !a.IsLinkLocal, linkLocal),
            Own = own,
            Duplicate = new bool[own.Length],
        };
        if (config.Advertisements is { } ra)
        {
            IReadOnlyList<Ipv6Prefix> prefixes = ra.Prefixes.Count > 0
                ? ra.Prefixes
                : [.. config.Ipv6Addresses.Where(a => !a.Address.IsLinkLocal).Select(a => a.Network).Distinct()];
            state.Advertisement = Ipv6Frames.RouterAdvertisement(mac, ra.Managed, ra.Other, ra.Lifetime, config.Mtu, prefixes,
                RouterAdvertisements.PrefixValidLifetime, RouterAdvertisements.PrefixPreferredLifetime, ra.Rdnss, 3 * ra.Interval);
            state.AdvertisementInterval = ToTicks(ra.Interval);
        }
        return state;
    }

    /// <summary>The IPv6 routing table (routes never change while it runs, so any thread may read it).</summary>
    public Ipv6RouteTable Ipv6Routes => _routes6;

    /// <summary>The IPv6 neighbour cache. Worker thread only (or tests).</summary>
    internal NeighbourCache Neighbours => _neighbours;

    /// <summary>The IPv6 neighbours, for <c>nfv show neighbours</c>. Worker thread only: allocates and is not synchronised.</summary>
    public IReadOnlyList<NeighbourEntry<Ipv6Address>> GetNeighbourTable() => _neighbours.Snapshot(_time.GetTimestamp());

    /// <summary>The link-local address of interface <paramref name="index"/>; null when it has no IPv6.</summary>
    public Ipv6Address? InterfaceLinkLocal(int index) => _interfaces[index].V6?.LinkLocal;

    private void ReceiveIpv6(Packet packet, int inPort, Emitter emit, long now)
    {
        var ingress = _interfaces[inPort];
        if (ingress.V6 is not { } v6)
        {
            emit.Drop(packet, RouterDrop.UnsupportedEtherType);
            return;
        }
        var frame = packet.Data;
        var destinationMac = EthernetHeader.Destination(frame);
        bool linkMulticast = destinationMac.IsMulticast;
        if (!linkMulticast && destinationMac != ingress.Mac)
        {
            emit.Drop(packet, RouterDrop.OtherHost);
            return;
        }
        if (frame.Length < IpOffset + Ipv6Header.Size)
        {
            emit.Drop(packet, RouterDrop.Truncated);
            return;
        }
        var ip = frame[IpOffset..];
        if (Ipv6Header.Version(ip) != 6)
        {
            emit.Drop(packet, RouterDrop.BadVersion);
            return;
        }
        if (!packet.Offload.IsGso)
        {
            int length = Ipv6Header.Size + Ipv6Header.PayloadLength(ip);
            if (length > ip.Length)
            {
                emit.Drop(packet, RouterDrop.Truncated);
                return;
            }
            if (length < ip.Length)
            {
                packet.SetLength(IpOffset + length); // Ethernet padding
                ip = packet.Data[IpOffset..];
            }
        }
        var source = Ipv6Header.Source(ip);
        var destination = Ipv6Header.Destination(ip);
        if (source.IsMulticast || source.IsLoopback)
        {
            emit.Drop(packet, RouterDrop.MartianSource);
            return;
        }
        if (destination.IsUnspecified || destination.IsLoopback)
        {
            emit.Drop(packet, RouterDrop.MartianDestination);
            return;
        }
        if (destination.IsMulticast)
        {
            // The router forwards no multicast; it listens to all-nodes, all-routers and its solicited-node groups.
            if (destination == Ipv6Address.AllNodes || destination == Ipv6Address.AllRouters || IsSolicitedNodeOf(v6, destination))
            {
                DeliverLocal6(packet, inPort, destination, emit, now);
                return;
            }
            emit.Drop(packet, RouterDrop.Multicast);
            return;
        }
        if (source.IsUnspecified)
        {
            emit.Drop(packet, RouterDrop.MartianSource); // only duplicate address detection sends from ::, to a group
            return;
        }
        if (destination.IsLinkLocal)
        {
            if (OwnIndex(v6, destination) >= 0)
            {
                DeliverLocal6(packet, inPort, destination, emit, now);
                return;
            }
            emit.Drop(packet, RouterDrop.LinkLocal);
            return;
        }
        int index = _routes6.Lookup(destination);
        if (index < 0)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"no route to {destination}");
            }
            SendIcmpv6Error(packet, inPort, Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodeNoRoute, 0, emit, now);
            emit.Drop(packet, RouterDrop.NoRoute);
            return;
        }
        ref readonly Ipv6Route route = ref _routes6[index];
        if (packet.IsTraced)
        {
            emit.Trace(packet, DescribeRoute(route, destination));
        }
        if (route.Kind == RouteKind.Local)
        {
            DeliverLocal6(packet, inPort, destination, emit, now);
            return;
        }
        if (source.IsLinkLocal || linkMulticast)
        {
            // A link-local source cannot be answered beyond its link (RFC 4291 §2.5.6; "beyond scope of source", RFC 4443 §3.1).
            if (source.IsLinkLocal)
            {
                SendIcmpv6Error(packet, inPort, Icmpv6Header.TypeDestinationUnreachable, 2, 0, emit, now);
            }
            emit.Drop(packet, source.IsLinkLocal ? RouterDrop.LinkLocal : RouterDrop.Multicast);
            return;
        }
        Forward6(packet, inPort, in route, destination, emit, now);
    }

    private void Forward6(Packet packet, int inPort, in Ipv6Route route, Ipv6Address destination, Emitter emit, long now)
    {
        int outPort = route.Interface;
        var egress = _interfaces[outPort];
        if (!egress.Linked)
        {
            emit.Drop(packet, RouterDrop.EgressNotLinked);
            return;
        }
        var ip = packet.Data[IpOffset..];
        if (Ipv6Header.HopLimit(ip) <= 1)
        {
            SendIcmpv6Error(packet, inPort, Icmpv6Header.TypeTimeExceeded, Icmpv6Header.CodeHopLimitExceeded, 0, emit, now);
            emit.Drop(packet, RouterDrop.TtlExpired);
            return;
        }
        // Routers never fragment IPv6 (RFC 8200 §5): too big is sent back with the MTU, for path MTU discovery (RFC 8201).
        int length = packet.Offload.IsGso ? GsoSegmentLength6(packet, ip) : ip.Length;
        if (length > egress.Mtu)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{length}-byte packets do not fit the MTU {egress.Mtu} of {egress.Name}: IPv6 is never fragmented on the way");
            }
            SendIcmpv6Error(packet, inPort, Icmpv6Header.TypePacketTooBig, 0, (uint)egress.Mtu, emit, now);
            emit.Drop(packet, RouterDrop.PacketTooBig);
            return;
        }
        Ipv6Header.DecrementHopLimit(ip);
        var nextHop = route.NextHop.IsUnspecified ? destination : route.NextHop;
        if (_neighbours.TryLookup(outPort, nextHop, now, out var mac))
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"next hop {nextHop} is at {mac}: hop limit decremented, MACs rewritten");
            }
            Transmit(packet, outPort, mac, emit);
            return;
        }
        Resolve6(packet, outPort, nextHop, emit, now);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Resolve6(Packet packet, int outPort, Ipv6Address nextHop, Emitter emit, long now)
    {
        if (SentWithShared(_neighbours, NeighbourShare, RouterEvent.NeighbourLearned, packet, outPort, nextHop, emit, now))
        {
            return;
        }
        var result = _neighbours.Enqueue(outPort, nextHop, packet, now, out bool sendRequest);
        if (sendRequest)
        {
            SendNeighbourSolicitation(outPort, nextHop, emit);
        }
        if (packet.IsTraced)
        {
            emit.Trace(packet, result switch
            {
                NeighbourEnqueueResult.Queued => $"next hop {nextHop} not resolved yet: a copy waits for its neighbour advertisement{(sendRequest ? $", solicitation sent out {_interfaces[outPort].Name}" : "")}",
                NeighbourEnqueueResult.TableFull => $"next hop {nextHop} not resolved and the neighbour cache is full",
                _ => $"next hop {nextHop} not resolved and its queue is full",
            });
        }
        if (result == NeighbourEnqueueResult.Queued)
        {
            emit.Drop(packet, RouterDrop.NeighbourQueued);
            return;
        }
        if (result == NeighbourEnqueueResult.TableFull)
        {
            Counters.Increment(RouterEvent.NeighbourTableFull);
            if (!_neighbourFullReported)
            {
                _neighbourFullReported = true;
                RouterLog.NeighbourCacheFull(_logger, _name, _neighbours.Capacity);
            }
        }
        emit.Drop(packet, RouterDrop.NeighbourQueueFull);
    }

    private void SendNeighbourSolicitation(int iface, Ipv6Address target, Emitter emit, bool duplicateDetection = false)
    {
        var packet = emit.Allocate();
        if (packet is null)
        {
            Counters.Increment(RouterEvent.AllocateFailed);
            return;
        }
        var v6 = _interfaces[iface].V6!;
        Ipv6Frames.WriteNeighbourSolicitation(packet, _interfaces[iface].Mac, duplicateDetection ? Ipv6Address.Unspecified : v6.LinkLocal, target);
        Counters.Increment(RouterEvent.NeighbourSolicitations);
        emit.To(iface, packet);
    }

    private void DeliverLocal6(Packet packet, int inPort, Ipv6Address destination, Emitter emit, long now)
    {
        Counters.Increment(RouterEvent.LocalDelivered);
        var ip = packet.Data[IpOffset..];
        var chain = Ipv6Header.FindUpperLayer(ip, out byte protocol, out int offset, out bool fragment, out int protocolField);
        if (chain != Ipv6ChainResult.Found)
        {
            emit.Drop(packet, RouterDrop.BadExtensionHeader);
            return;
        }
        if (fragment)
        {
            emit.Drop(packet, RouterDrop.LocalFragment);
            return;
        }
        if (packet.Offload.IsGso || !Checksum.CompletePartial(packet))
        {
            emit.Drop(packet, RouterDrop.LocalUnserved);
            return;
        }
        switch (protocol)
        {
            case Ipv6Header.ProtocolIcmpv6:
                ReceiveIcmpv6(packet, inPort, destination, offset, emit, now);
                return;
            case Ipv6Header.ProtocolUdp:
                SendIcmpv6Error(packet, inPort, Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodePortUnreachable, 0, emit, now);
                emit.Drop(packet, RouterDrop.PortUnreachable);
                return;
            case Ipv6Header.ProtocolTcp:
            case Ipv6Header.NoNextHeader:
                emit.Drop(packet, RouterDrop.LocalUnserved);
                return;
            default:
                // Parameter problem, unrecognized next header, pointing at the field that named it (RFC 8200 §4).
                SendIcmpv6Error(packet, inPort, Icmpv6Header.TypeParameterProblem, Icmpv6Header.CodeUnrecognizedNextHeader, (uint)protocolField, emit, now);
                emit.Drop(packet, RouterDrop.ProtocolUnreachable);
                return;
        }
    }

    private void ReceiveIcmpv6(Packet packet, int inPort, Ipv6Address destination, int offset, Emitter emit, long now)
    {
        var ip = packet.Data[IpOffset..];
        var icmp = ip[offset..];
        var source = Ipv6Header.Source(ip);
        if (icmp.Length < Icmpv6Header.Size || !Icmpv6Header.IsChecksumValid(icmp, source, destination))
        {
            emit.Drop(packet, RouterDrop.BadChecksum);
            return;
        }
        byte type = Icmpv6Header.Type(icmp);
        switch (type)
        {
            case Icmpv6Header.TypeEchoRequest when Icmpv6Header.Code(icmp) == 0:
                var ingress = _interfaces[inPort];
                // A ping to a group (ff02::1) is answered from the link-local address, as Linux does.
                var from = destination.IsMulticast ? ingress.V6!.LinkLocal : destination;
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"echo request to {destination}: answered with an echo reply from {from}");
                }
                Ipv6Frames.AnswerEchoRequest(packet, ingress.Mac, from, offset, icmp.Length);
                Counters.Increment(RouterEvent.EchoReplies);
                emit.To(inPort, packet);
                return;
            case Icmpv6Header.TypeNeighborSolicitation:
            case Icmpv6Header.TypeNeighborAdvertisement:
            case Icmpv6Header.TypeRouterSolicitation:
                // RFC 4861 §6.1.1, §7.1: hop limit 255 (sent on this link, not routed here) and code 0.
                if (Ipv6Header.HopLimit(ip) != Ipv6Frames.NeighbourDiscoveryHopLimit || Icmpv6Header.Code(icmp) != 0 || offset != Ipv6Header.Size)
                {
                    emit.Drop(packet, RouterDrop.BadNeighbourDiscovery);
                    return;
                }
                if (type == Icmpv6Header.TypeRouterSolicitation && Instance != 0 && _interfaces[inPort].V6!.Advertisement is not null)
                {
                    HandToAdvertiser(packet, emit);
                    return;
                }
                var verdict = type switch
                {
                    Icmpv6Header.TypeNeighborSolicitation => ReceiveNeighbourSolicitation(packet, inPort, source, destination, icmp, emit, now),
                    Icmpv6Header.TypeNeighborAdvertisement => ReceiveNeighbourAdvertisement(packet, inPort, destination, icmp, emit, now),
                    _ => ReceiveRouterSolicitation(packet, inPort, source, icmp, emit, now),
                };
                emit.Drop(packet, verdict);
                return;
            default:
                emit.Drop(packet, RouterDrop.LocalUnserved);
                return;
        }
    }

    // RFC 4861 §7.2.3 and RFC 4862 §5.4.3: answer for our addresses, learn the solicitor, notice duplicates.
    private RouterDrop ReceiveNeighbourSolicitation(Packet packet, int inPort, Ipv6Address source, Ipv6Address destination,
        ReadOnlySpan<byte> icmp, Emitter emit, long now)
    {
        if (icmp.Length < Ipv6Frames.NeighbourMessageLength - 8)
        {
            return RouterDrop.BadNeighbourDiscovery;
        }
        var target = Ipv6Address.Read(icmp[8..]);
        bool hasMac = Ipv6Frames.TryFindLinkLayerOption(icmp[24..], Icmpv6Header.OptionSourceLinkLayer, out var sourceMac, out bool valid);
        if (!valid || target.IsMulticast || (source.IsUnspecified && (hasMac || destination != target.SolicitedNode)))
        {
            return RouterDrop.BadNeighbourDiscovery;
        }
        var ingress = _interfaces[inPort];
        var v6 = ingress.V6!;
        int own = OwnIndex(v6, target);
        if (own < 0)
        {
            return RouterDrop.NeighbourDiscoveryConsumed; // for another node
        }
        if (source.IsUnspecified)
        {
            // Another node checks our address. While we still check it too, neither may have it (RFC 4862 §5.4.3).
            if (v6.DadDeadline != long.MaxValue)
            {
                MarkDuplicate(inPort, own, EthernetHeader.Source(packet.Data));
                return RouterDrop.NeighbourDiscoveryConsumed;
            }
            SendNeighbourAdvertisement(inPort, EthernetHeader.Source(packet.Data), Ipv6Address.AllNodes, target, Ipv6Frames.FlagRouter | Ipv6Frames.FlagOverride, emit);
            return RouterDrop.NeighbourDiscoveryConsumed;
        }
        if (hasMac)
        {
            Learn(inPort, source, sourceMac, emit, now, create: true);
        }
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"neighbour solicitation for {target}, an address of {ingress.Name}: answered");
        }
        SendNeighbourAdvertisement(inPort, hasMac ? sourceMac : EthernetHeader.Source(packet.Data), source, target,
            Ipv6Frames.FlagRouter | Ipv6Frames.FlagSolicited | Ipv6Frames.FlagOverride, emit);
        return RouterDrop.NeighbourDiscoveryConsumed;
    }

    // RFC 4861 §7.2.5: complete or refresh an entry we have (never make one); an advertisement of our own address is a duplicate.
    private RouterDrop ReceiveNeighbourAdvertisement(Packet packet, int inPort, Ipv6Address destination, ReadOnlySpan<byte> icmp, Emitter emit, long now)
    {
        if (icmp.Length < Ipv6Frames.NeighbourMessageLength - 8)
        {
            return RouterDrop.BadNeighbourDiscovery;
        }
        uint flags = BinaryPrimitives.ReadUInt32BigEndian(icmp[4..]);
        var target = Ipv6Address.Read(icmp[8..]);
        bool hasMac = Ipv6Frames.TryFindLinkLayerOption(icmp[24..], Icmpv6Header.OptionTargetLinkLayer, out var mac, out bool valid);
        if (!valid || target.IsMulticast || (destination.IsMulticast && (flags & Ipv6Frames.FlagSolicited) != 0))
        {
            return RouterDrop.BadNeighbourDiscovery;
        }
        var v6 = _interfaces[inPort].V6!;
        int own = OwnIndex(v6, target);
        var sender = hasMac ? mac : EthernetHeader.Source(packet.Data);
        if (own >= 0)
        {
            if (v6.DadDeadline != long.MaxValue)
            {
                MarkDuplicate(inPort, own, sender);
            }
            return RouterDrop.NeighbourDiscoveryConsumed;
        }
        if ((flags & Ipv6Frames.FlagSolicited) != 0)
        {
            // An answer to a solicitation, perhaps another instance's (run per worker: it may have reached this one).
            NeighbourShare?.Put((inPort, target), sender, now);
        }
        int entry = Learn(inPort, target, sender, emit, now, create: false);
        if (entry >= 0 && packet.IsTraced)
        {
            emit.Trace(packet, $"neighbour advertisement: {target} is at {sender}");
        }
        return RouterDrop.NeighbourDiscoveryConsumed;
    }

    // Run per worker, instance 0 alone sends the router's advertisements, so the rate RFC 4861 sets holds over the router
    // and hosts hear one sender: a solicitation another instance reads goes there.
    private void HandToAdvertiser(Packet packet, Emitter emit)
    {
        if (packet.IsTraced)
        {
            emit.Trace(packet, "router solicitation: handed to instance 0, which sends this router's advertisements");
        }
        Counters.Increment(RouterEvent.HandedOver);
        emit.ToInstance(0, packet);
    }

    // RFC 4861 §6.2.6: learn the host and answer with an advertisement to all nodes, at most one every 3 s per interface
    // (a solicitation within that time is answered when it ends, by the timer).
    private RouterDrop ReceiveRouterSolicitation(Packet packet, int inPort, Ipv6Address source, ReadOnlySpan<byte> icmp, Emitter emit, long now)
    {
        bool hasMac = Ipv6Frames.TryFindLinkLayerOption(icmp[8..], Icmpv6Header.OptionSourceLinkLayer, out var mac, out bool valid);
        if (!valid || (source.IsUnspecified && hasMac))
        {
            return RouterDrop.BadNeighbourDiscovery;
        }
        var v6 = _interfaces[inPort].V6!;
        if (v6.Advertisement is null)
        {
            return RouterDrop.LocalUnserved;
        }
        if (hasMac && !source.IsUnspecified)
        {
            Learn(inPort, source, mac, emit, now, create: true);
        }
        long earliest = v6.LastMulticastAdvertisement + ToTicks(RouterAdvertisements.MinDelayBetween);
        if (now >= earliest)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"router solicitation on {_interfaces[inPort].Name}: answered with a router advertisement");
            }
            SendRouterAdvertisement(inPort, v6, emit, now);
        }
        else
        {
            v6.NextAdvertisement = Math.Min(v6.NextAdvertisement, earliest);
        }
        return RouterDrop.NeighbourDiscoveryConsumed;
    }

    private int Learn(int inPort, Ipv6Address address, MacAddress mac, Emitter emit, long now, bool create)
    {
        int entry = _neighbours.Update(inPort, address, mac, now, create);
        if (entry >= 0)
        {
            Counters.Increment(RouterEvent.NeighbourLearned);
            NeighbourShare?.Put((inPort, address), mac, now);
            Flush(_neighbours, entry, inPort, mac, emit);
        }
        return entry;
    }

    private void SendNeighbourAdvertisement(int iface, MacAddress destinationMac, Ipv6Address destination, Ipv6Address target, uint flags, Emitter emit)
    {
        var packet = emit.Allocate();
        if (packet is null)
        {
            Counters.Increment(RouterEvent.AllocateFailed);
            return;
        }
        var mac = _interfaces[iface].Mac;
        Ipv6Frames.WriteNeighbourAdvertisement(packet, mac, destination.IsMulticast ? destination.MulticastMac : destinationMac, target, destination, target, flags);
        Counters.Increment(RouterEvent.NeighbourAdvertisements);
        emit.To(iface, packet);
    }

    private void MarkDuplicate(int iface, int own, MacAddress by)
    {
        var v6 = _interfaces[iface].V6!;
        if (v6.Duplicate[own])
        {
            return;
        }
        v6.Duplicate[own] = true;
        Counters.Increment(RouterEvent.DuplicateAddresses);
        RouterLog.DuplicateAddress(_logger, _name, v6.Own[own].ToString(), _interfaces[iface].Name, by.ToString());
    }

    // Duplicate address detection once at start (RFC 4862 §5.4, optimistic: the addresses are used meanwhile, RFC 4429),
    // neighbour retries and probes, and the router advertisements that are due.
    private void OnTimer6(Emitter emit, long now)
    {
        _ndSink.Emit = emit;
        _ndSink.Now = now;
        if (NeighbourShare is not null)
        {
            ResolveFromShare(_neighbours, NeighbourShare, RouterEvent.NeighbourLearned, emit, now);
        }
        Counters.Add(RouterEvent.NeighbourFailed, _neighbours.OnTimer(now, _ndSink));
        _ndSink.Emit = null;
        if (_neighbourFullReported && !_neighbours.IsFull)
        {
            _neighbourFullReported = false;
        }
        for (int i = 0; i < _interfaces.Length; i++)
        {
            if (_interfaces[i].V6 is not { } v6 || !_interfaces[i].Linked)
            {
                continue;
            }
            if (v6.DadDeadline == 0)
            {
                foreach (var address in v6.Own)
                {
                    SendNeighbourSolicitation(i, address, emit, duplicateDetection: true);
                }
                v6.DadDeadline = now + ToTicks(s_dadWait);
            }
            else if (v6.DadDeadline != long.MaxValue && now >= v6.DadDeadline)
            {
                v6.DadDeadline = long.MaxValue;
            }
            if (v6.Advertisement is not null && Instance == 0 && now >= v6.NextAdvertisement)
            {
                SendRouterAdvertisement(i, v6, emit, now);
            }
        }
    }

    private void SendRouterAdvertisement(int iface, Ipv6State v6, Emitter emit, long now)
    {
        v6.AdvertisementsSent++;
        v6.LastMulticastAdvertisement = now;
        long interval = v6.AdvertisementsSent < InitialAdvertisements
            ? Math.Min(v6.AdvertisementInterval, ToTicks(s_initialAdvertisementInterval))
            : v6.AdvertisementInterval;
        v6.NextAdvertisement = now + interval;
        var packet = emit.Allocate();
        if (packet is null)
        {
            Counters.Increment(RouterEvent.AllocateFailed);
            return;
        }
        Ipv6Frames.WriteIcmpv6(packet, _interfaces[iface].Mac, Ipv6Address.AllNodes.MulticastMac, v6.LinkLocal, Ipv6Address.AllNodes,
            Ipv6Frames.NeighbourDiscoveryHopLimit, v6.Advertisement);
        Counters.Increment(RouterEvent.RouterAdvertisements);
        emit.To(iface, packet);
    }

    /// <summary>
    /// Sends an ICMPv6 error about <paramref name="offending"/> back out of <paramref name="inPort"/>, unless RFC 4443
    /// §2.4 (e) forbids it (about an ICMPv6 error or a redirect, a packet to a group or in a link-layer multicast other
    /// than packet too big, from an unspecified or multicast source) or the rate limit's bucket is empty. From the
    /// ingress interface's first global address (its link-local one to a link-local source), so traceroute shows each
    /// hop. Never ends <paramref name="offending"/>.
    /// </summary>
    private void SendIcmpv6Error(Packet offending, int inPort, byte type, byte code, uint rest, Emitter emit, long now)
    {
        var frame = offending.Data;
        var ip = frame[IpOffset..];
        var source = Ipv6Header.Source(ip);
        bool group = Ipv6Header.Destination(ip).IsMulticast || EthernetHeader.Destination(frame).IsMulticast;
        string? why = null;
        if (source.IsUnspecified || source.IsMulticast)
        {
            why = "not sent to an unspecified or multicast source";
        }
        else if (group && type != Icmpv6Header.TypePacketTooBig)
        {
            why = "not sent about a packet to a group";
        }
        else if (Ipv6Header.FindUpperLayer(ip, out byte protocol, out int offset, out _) == Ipv6ChainResult.Found &&
            protocol == Ipv6Header.ProtocolIcmpv6 && offset < ip.Length &&
            (Icmpv6Header.IsError(ip[offset]) || ip[offset] == Icmpv6Header.TypeRedirect))
        {
            why = "not sent about an ICMPv6 error";
        }
        else if (!TakeIcmpToken(now))
        {
            Counters.Increment(RouterEvent.IcmpRateLimited);
            why = "rate limited";
        }
        if (why is not null)
        {
            if (offending.IsTraced)
            {
                emit.Trace(offending, $"no ICMPv6 {Icmpv6Name(type, code)}: {why}");
            }
            return;
        }
        var packet = emit.Allocate();
        if (packet is null)
        {
            Counters.Increment(RouterEvent.AllocateFailed);
            return;
        }
        var ingress = _interfaces[inPort];
        var v6 = ingress.V6!;
        Ipv6Frames.WriteIcmpError(packet, frame, ingress.Mac, source.IsLinkLocal ? v6.LinkLocal : v6.Source, type, code, rest);
        Counters.Increment(RouterEvent.IcmpErrors);
        if (offending.IsTraced)
        {
            emit.Trace(offending, $"ICMPv6 {Icmpv6Name(type, code)} sent to {source} out {ingress.Name}");
        }
        emit.To(inPort, packet);
    }

    private static bool IsSolicitedNodeOf(Ipv6State v6, Ipv6Address group)
    {
        foreach (var address in v6.Own)
        {
            if (address.SolicitedNode == group)
            {
                return true;
            }
        }
        return false;
    }

    // The index in Own of an address of this interface the router answers for; -1 if none (or found duplicate).
    private static int OwnIndex(Ipv6State v6, Ipv6Address address)
    {
        for (int i = 0; i < v6.Own.Length; i++)
        {
            if (v6.Own[i] == address)
            {
                return v6.Duplicate[i] ? -1 : i;
            }
        }
        return -1;
    }

    // For traces only.
    private string DescribeRoute(in Ipv6Route route, Ipv6Address destination) => route.Kind switch
    {
        RouteKind.Local => $"{destination} is the router's own (route local {route.Prefix})",
        _ when !route.NextHop.IsUnspecified => $"route {route.Prefix} via {route.NextHop} out {_interfaces[route.Interface].Name} ({route.Kind.ToString().ToLowerInvariant()})",
        _ => $"route {route.Prefix} out {_interfaces[route.Interface].Name} ({route.Kind.ToString().ToLowerInvariant()})",
    };

    // For traces only.
    private static string Icmpv6Name(byte type, byte code) => (type, code) switch
    {
        (Icmpv6Header.TypeTimeExceeded, _) => "time exceeded",
        (Icmpv6Header.TypePacketTooBig, _) => "packet too big",
        (Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodeNoRoute) => "no route",
        (Icmpv6Header.TypeDestinationUnreachable, 2) => "beyond scope of source address",
        (Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodeAddressUnreachable) => "address unreachable",
        (Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodePortUnreachable) => "port unreachable",
        (Icmpv6Header.TypeParameterProblem, Icmpv6Header.CodeUnrecognizedNextHeader) => "unrecognized next header",
        _ => $"type {type} code {code}",
    };

    // The IP length of each segment a GSO super-frame will be cut into: IPv6 header, TCP or UDP header and gso_size.
    private static int GsoSegmentLength6(Packet packet, ReadOnlySpan<byte> ip)
    {
        int l4Header = UdpHeader.Size;
        if ((packet.Offload.GsoType & ~VirtioNetHeader.GsoEcn) == VirtioNetHeader.GsoTcpV6 && ip.Length >= Ipv6Header.Size + 20 &&
            Ipv6Header.NextHeader(ip) == Ipv6Header.ProtocolTcp)
        {
            l4Header = (ip[Ipv6Header.Size + 12] >> 4) * 4;
        }
        return Ipv6Header.Size + l4Header + packet.Offload.GsoSize;
    }

    private long ToTicks(TimeSpan span) => (long)((Int128)span.Ticks * _frequency / TimeSpan.TicksPerSecond);

    private sealed class NeighbourSink(RouterFunction router) : INeighbourTimerSink<Ipv6Address>
    {
        public Emitter? Emit;
        public long Now;

        public void SendRequest(int iface, Ipv6Address target) => router.SendNeighbourSolicitation(iface, target, Emit!);

        public void ResolutionFailed(int iface, Ipv6Address target, Packet waiting)
        {
            if (router._logger.IsEnabled(LogLevel.Debug))
            {
                RouterLog.NeighbourFailed(router._logger, router._name, target.ToString(), router._interfaces[iface].Name);
            }
            int inPort = waiting.InputPort;
            if ((uint)inPort < (uint)router._interfaces.Length && router._interfaces[inPort].V6 is not null)
            {
                router.SendIcmpv6Error(waiting, inPort, Icmpv6Header.TypeDestinationUnreachable, Icmpv6Header.CodeAddressUnreachable, 0, Emit!, Now);
            }
        }
    }
}

using System.ComponentModel;
using Nfv.Abstractions;

namespace Nfv.Ip.Features;

/// <summary>
/// An L3 feature on a router interface (a NAT, later ACLs and policers): the router calls it with IPv4 packets at
/// two hooks, as VPP's feature arcs and netfilter's hooks do (docs/architecture.md, "Features in a topology").
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Input"/> runs for packets arriving on the interface, after the IPv4 header was checked and before the
/// routing decision, so a destination rewritten here (DNAT) is routed by its new address. <see cref="Output"/> runs
/// for packets leaving by the interface, after the routing decision, the TTL decrement and the MTU check, before
/// fragmentation and ARP (netfilter POSTROUTING), so a source rewritten here (SNAT) leaves as is. ICMP errors the router
/// originates pass the output hook of the interface they leave by (a NAT translates the datagram they quote); its echo
/// replies and ARP do not pass the hooks.
/// </para>
/// <para>
/// A feature that rewrites addresses or ports keeps the IPv4 header checksum and the L4 checksum right
/// (incrementally, <see cref="Headers.Checksum.Update(ushort, uint, uint)"/>), partial checksums included
/// (<see cref="VirtioNetHeader.NeedsChecksum"/>: then the L4 field holds the pseudo-header sum). Called on the
/// router's worker thread, per packet: same rules as <see cref="INetworkFunction.Process"/> (no allocation, no locks).
/// </para>
/// </remarks>
[Description("IPv4 feature")]
public interface IIpv4Feature
{
    /// <summary>The feature's name, for logs and errors.</summary>
    string Name { get; }

    /// <summary>
    /// Called once by the router that runs the feature, before any packet: where it is attached. Returns which packets
    /// it wants to see. A feature serves one interface of one router: it may throw <see cref="InvalidOperationException"/>
    /// when attached a second time.
    /// </summary>
    Ipv4FeatureScope Attach(Ipv4FeatureAttachment attachment) => Ipv4FeatureScope.Interface;

    /// <summary>
    /// How many connections the feature may track (a NAT's sessions, a firewall's connections); 0, the default, for none.
    /// A router whose features ask for any keeps one <see cref="Connections.ConnectionTracker"/> of their sum, handed to
    /// each in <see cref="Ipv4FeatureAttachment.Connections"/>, so a firewall sees the connections a NAT made and a NAT
    /// translates the connections a firewall let in, one entry each (docs/architecture.md).
    /// </summary>
    int TrackedConnections => 0;

    /// <summary>
    /// A packet arrived on the interface (or, with <see cref="Ipv4FeatureScope.Router"/>, on any interface); before the
    /// routing decision.
    /// </summary>
    Ipv4FeatureVerdict Input(Packet packet, in Ipv4HookContext context, Emitter emit);

    /// <summary>
    /// For a feature run as an instance per worker whose instances each own some flows (a NAT's sessions, by port): the
    /// instance of the router that must handle <paramref name="packet"/>, or -1 for the one asking. A router run as
    /// several instances asks before <see cref="Input"/> for a packet arriving on the interface, and for a packet about to
    /// leave by it (<paramref name="leaving"/>) after the routing decision, before it changes the packet (the TTL); a packet
    /// another instance owns is handed to it (<see cref="Emitter.ToInstance"/>) and routed there from the start. Asked per
    /// packet: the answer must be cheap and depend on the packet alone, so that every instance gives the same.
    /// </summary>
    int InstanceFor(Packet packet, in Ipv4HookContext context, bool leaving) => -1;

    /// <summary>A packet leaves by the interface; after the routing decision.</summary>
    Ipv4FeatureVerdict Output(Packet packet, in Ipv4HookContext context, Emitter emit);
}

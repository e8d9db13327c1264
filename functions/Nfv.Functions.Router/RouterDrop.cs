namespace Nfv.Functions.Router;

/// <summary>
/// Why the router ended a packet without forwarding it. The values are 0..n-1 in this order: they are the indices of
/// <see cref="RouterBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters. Some are not errors
/// (an ARP reply consumed, a packet copied into the ARP queue): every packet ends in a send or a drop.
/// </summary>
public enum RouterDrop
{
    /// <summary>Shorter than an Ethernet header.</summary>
    Runt = 0,
    /// <summary>The packet's input port is not an interface of the router (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 1,
    /// <summary>Neither IPv4, ARP nor IPv6 (802.1Q-tagged, LLDP...), or a family the interface has no address of: the router speaks untagged IP only.</summary>
    UnsupportedEtherType = 2,
    /// <summary>An IP frame to another unicast MAC address (not this interface's).</summary>
    OtherHost = 3,
    /// <summary>An ARP packet that is not Ethernet/IPv4, or truncated.</summary>
    BadArp = 4,
    /// <summary>An ARP packet handled and done with: a reply learned, a request for someone else, a gratuitous update.</summary>
    ArpConsumed = 5,
    /// <summary>Shorter than the IP header or the length it states.</summary>
    Truncated = 6,
    /// <summary>The IP version does not match the EtherType (4 for IPv4, 6 for IPv6).</summary>
    BadVersion = 7,
    /// <summary>IHL below 5 (20 bytes) or beyond the total length.</summary>
    BadHeaderLength = 8,
    /// <summary>The header checksum is wrong.</summary>
    BadChecksum = 9,
    /// <summary>A source address no host may have (0/8, 127/8, multicast, class E, broadcast, RFC 1812 §5.3.7; IPv6: multicast, loopback, or unspecified other than in neighbour discovery).</summary>
    MartianSource = 10,
    /// <summary>A destination never routed: 0/8, 127/8, class E; IPv6 unspecified or loopback.</summary>
    MartianDestination = 11,
    /// <summary>Limited (255.255.255.255) or directed (a subnet's broadcast) broadcast: not forwarded (RFC 2644).</summary>
    Broadcast = 12,
    /// <summary>A multicast destination: the router does no multicast routing.</summary>
    Multicast = 13,
    /// <summary>No route to the destination (ICMP net unreachable or ICMPv6 no route sent, rate permitting).</summary>
    NoRoute = 14,
    /// <summary>TTL or hop limit ran out (ICMP or ICMPv6 time exceeded sent, rate permitting).</summary>
    TtlExpired = 15,
    /// <summary>Too big for the egress MTU with DF set, or a GSO frame whose segments are (ICMP fragmentation needed sent).</summary>
    FragmentationNeeded = 16,
    /// <summary>The packet was copied into the ARP queue of its next hop; the copy leaves when the address is known.</summary>
    ArpQueued = 17,
    /// <summary>The next hop's ARP queue (or the table) was full.</summary>
    ArpQueueFull = 18,
    /// <summary>A fragment addressed to the router: it does not reassemble.</summary>
    LocalFragment = 19,
    /// <summary>UDP to one of the router's addresses (ICMP or ICMPv6 port unreachable sent, rate permitting).</summary>
    PortUnreachable = 20,
    /// <summary>Other traffic to the router it does not serve: TCP, ICMP other than echo request, ICMPv6 it does not act on (a redirect, another router's advertisement), GSO super-frames.</summary>
    LocalUnserved = 21,
    /// <summary>An L3 feature on the interface said drop.</summary>
    FeatureDrop = 22,
    /// <summary>The packet pool had no packet for a fragment: the datagram is dropped whole.</summary>
    NoBuffer = 23,
    /// <summary>The route leads out of an interface no link is attached to.</summary>
    EgressNotLinked = 24,
    /// <summary>A protocol other than ICMP, UDP or TCP to one of the router's addresses (ICMP protocol unreachable sent, rate permitting).</summary>
    ProtocolUnreachable = 25,
    /// <summary>An IPv6 packet bigger than the egress MTU (ICMPv6 packet too big sent, rate permitting): routers never fragment IPv6.</summary>
    PacketTooBig = 26,
    /// <summary>An IPv6 packet with a link-local source or destination that would have to leave its link (RFC 4291 §2.5.6).</summary>
    LinkLocal = 27,
    /// <summary>An IPv6 packet for the router whose extension headers run past the datagram, repeat hop-by-hop options or are more than 16.</summary>
    BadExtensionHeader = 28,
    /// <summary>A neighbour discovery message that fails RFC 4861's checks: hop limit not 255, bad checksum or code, too short, bad options.</summary>
    BadNeighbourDiscovery = 29,
    /// <summary>A neighbour discovery message handled and done with: an advertisement learned, a solicitation answered or for another node, a solicitation for an advertisement.</summary>
    NeighbourDiscoveryConsumed = 30,
    /// <summary>The packet was copied into the neighbour discovery queue of its next hop; the copy leaves when the address is known.</summary>
    NeighbourQueued = 31,
    /// <summary>The next hop's neighbour discovery queue (or the neighbour cache) was full.</summary>
    NeighbourQueueFull = 32,
}

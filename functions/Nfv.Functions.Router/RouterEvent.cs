using System.ComponentModel;

namespace Nfv.Functions.Router;

/// <summary>
/// What a router counts besides its drops (<see cref="RouterDrop"/>, counted by the dataplane): values 0..n-1, names the
/// <c>event</c> label of <c>nfv_function_events_total</c>, descriptions their help. Kept in <see cref="RouterFunction.Counters"/>.
/// </summary>
public enum RouterEvent
{
    /// <summary>Packets forwarded (a fragmented datagram counts once).</summary>
    [Description("packets forwarded (a fragmented datagram once)")]
    Forwarded = 0,

    /// <summary>Datagrams fragmented.</summary>
    [Description("datagrams fragmented")]
    Fragmented = 1,

    /// <summary>Fragments sent.</summary>
    [Description("fragments sent")]
    Fragments = 2,

    /// <summary>Packets addressed to the router itself.</summary>
    [Description("packets addressed to the router itself")]
    LocalDelivered = 3,

    /// <summary>ICMP and ICMPv6 echo replies sent.</summary>
    [Description("ICMP and ICMPv6 echo replies sent")]
    EchoReplies = 4,

    /// <summary>ICMP and ICMPv6 errors sent (time exceeded, unreachable, fragmentation needed, packet too big).</summary>
    [Description("ICMP and ICMPv6 errors sent")]
    IcmpErrors = 5,

    /// <summary>ICMP and ICMPv6 errors not sent because the rate limit's bucket (one for both) was empty.</summary>
    [Description("ICMP errors not sent: rate limit")]
    IcmpRateLimited = 6,

    /// <summary>ARP requests sent (first tries and retries).</summary>
    [Description("ARP requests sent")]
    ArpRequests = 7,

    /// <summary>ARP replies sent for the router's addresses.</summary>
    [Description("ARP replies sent")]
    ArpReplies = 8,

    /// <summary>ARP entries made or refreshed from replies and requests.</summary>
    [Description("ARP entries made or refreshed")]
    ArpLearned = 9,

    /// <summary>Next hops that never answered.</summary>
    [Description("next hops that never answered ARP")]
    ArpFailed = 10,

    /// <summary>Resolutions not started: ARP table full.</summary>
    [Description("resolutions not started: ARP table full")]
    ArpTableFull = 11,

    /// <summary>Frames the router wanted to originate (ICMP, ARP, neighbour discovery, queued packets) but the pool was empty.</summary>
    [Description("frames not originated: packet pool empty")]
    AllocateFailed = 12,

    /// <summary>Neighbour solicitations sent: resolutions, probes and duplicate address detection.</summary>
    [Description("neighbour solicitations sent")]
    NeighbourSolicitations = 13,

    /// <summary>Neighbour advertisements sent for the router's IPv6 addresses.</summary>
    [Description("neighbour advertisements sent")]
    NeighbourAdvertisements = 14,

    /// <summary>IPv6 neighbour entries made or refreshed from advertisements and solicitations.</summary>
    [Description("IPv6 neighbour entries made or refreshed")]
    NeighbourLearned = 15,

    /// <summary>IPv6 next hops that never answered a solicitation.</summary>
    [Description("next hops that never answered neighbour discovery")]
    NeighbourFailed = 16,

    /// <summary>IPv6 resolutions not started: neighbour cache full.</summary>
    [Description("resolutions not started: neighbour cache full")]
    NeighbourTableFull = 17,

    /// <summary>Router advertisements sent, unsolicited or answering a solicitation.</summary>
    [Description("router advertisements sent")]
    RouterAdvertisements = 18,

    /// <summary>Addresses of the router found in use by another node (duplicate address detection): no longer answered for.</summary>
    [Description("router addresses found duplicate on their link")]
    DuplicateAddresses = 19,

    /// <summary>
    /// Packets handed to another instance of the router: one whose feature owns their flow (a NAT run per worker), or,
    /// for a router solicitation, the first instance, which alone advertises.
    /// </summary>
    [Description("packets handed to another router instance: the one owning their flow, or the one advertising")]
    HandedOver = 20,
}

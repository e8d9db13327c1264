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

    /// <summary>ICMP echo replies sent.</summary>
    [Description("ICMP echo replies sent")]
    EchoReplies = 4,

    /// <summary>ICMP errors sent (time exceeded, unreachable, fragmentation needed).</summary>
    [Description("ICMP errors sent")]
    IcmpErrors = 5,

    /// <summary>ICMP errors not sent because the rate limit's bucket was empty.</summary>
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

    /// <summary>Frames the router wanted to originate (ICMP, ARP, queued packets) but the pool was empty.</summary>
    [Description("frames not originated: packet pool empty")]
    AllocateFailed = 12,
}

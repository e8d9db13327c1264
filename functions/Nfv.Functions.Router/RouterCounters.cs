namespace Nfv.Functions.Router;

/// <summary>
/// What a router did, counted since it started. Drops are counted by the dataplane per <see cref="RouterDrop"/>.
/// </summary>
/// <remarks>
/// Written only by the worker that runs the router, with plain increments; the getters read with
/// <see cref="Volatile"/>, so any thread may read them (a value may lag the worker by a few packets).
/// </remarks>
public sealed class RouterCounters
{
    internal long ForwardedCount;
    internal long FragmentedCount;
    internal long FragmentsCount;
    internal long LocalDeliveredCount;
    internal long EchoRepliesCount;
    internal long IcmpErrorsCount;
    internal long IcmpRateLimitedCount;
    internal long ArpRequestsCount;
    internal long ArpRepliesCount;
    internal long ArpLearnedCount;
    internal long ArpFailedCount;
    internal long ArpTableFullCount;
    internal long AllocateFailedCount;

    /// <summary>Packets forwarded (a fragmented datagram counts once).</summary>
    public long Forwarded => Volatile.Read(ref ForwardedCount);
    /// <summary>Datagrams fragmented.</summary>
    public long Fragmented => Volatile.Read(ref FragmentedCount);
    /// <summary>Fragments sent.</summary>
    public long Fragments => Volatile.Read(ref FragmentsCount);
    /// <summary>Packets addressed to the router itself.</summary>
    public long LocalDelivered => Volatile.Read(ref LocalDeliveredCount);
    /// <summary>ICMP echo replies sent.</summary>
    public long EchoReplies => Volatile.Read(ref EchoRepliesCount);
    /// <summary>ICMP errors sent (time exceeded, unreachable, fragmentation needed).</summary>
    public long IcmpErrors => Volatile.Read(ref IcmpErrorsCount);
    /// <summary>ICMP errors not sent because the rate limit's bucket was empty.</summary>
    public long IcmpRateLimited => Volatile.Read(ref IcmpRateLimitedCount);
    /// <summary>ARP requests sent (first tries and retries).</summary>
    public long ArpRequests => Volatile.Read(ref ArpRequestsCount);
    /// <summary>ARP replies sent for the router's addresses.</summary>
    public long ArpReplies => Volatile.Read(ref ArpRepliesCount);
    /// <summary>ARP entries made or refreshed from replies and requests.</summary>
    public long ArpLearned => Volatile.Read(ref ArpLearnedCount);
    /// <summary>Next hops that never answered.</summary>
    public long ArpFailed => Volatile.Read(ref ArpFailedCount);
    /// <summary>Resolutions not started: ARP table full.</summary>
    public long ArpTableFull => Volatile.Read(ref ArpTableFullCount);
    /// <summary>Frames the router wanted to originate (ICMP, ARP, queued packets) but the pool was empty.</summary>
    public long AllocateFailed => Volatile.Read(ref AllocateFailedCount);
}

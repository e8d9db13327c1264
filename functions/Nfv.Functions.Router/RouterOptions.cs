namespace Nfv.Functions.Router;

/// <summary>
/// The configuration of one router: the <c>kind: router</c> mapping of a topology file.
/// </summary>
/// <example>
/// <code>
/// gw:
///   kind: router
///   interfaces:
///     lan: { address: 10.0.0.1/24 }
///     wan: { address: [203.0.113.2/24, 198.51.100.1/24], mtu: 1400, mac: 02:00:00:00:00:01 }
///   routes:
///     - { prefix: 0.0.0.0/0, via: 203.0.113.1 }
///     - { prefix: 192.0.2.0/24, dev: lan }
/// </code>
/// </example>
public sealed record RouterOptions
{
    /// <summary>Default of <see cref="ArpReachable"/>.</summary>
    public static readonly TimeSpan DefaultArpReachable = TimeSpan.FromSeconds(300);

    /// <summary>Default of <see cref="ArpCacheSize"/>.</summary>
    public const int DefaultArpCacheSize = 1024;

    /// <summary>Default of <see cref="ArpQueueLength"/>.</summary>
    public const int DefaultArpQueueLength = 8;

    /// <summary>Packets waiting for any ARP resolution, all next hops together.</summary>
    public const int ArpQueueTotal = 128;

    /// <summary>Default of <see cref="ArpRetryInterval"/>.</summary>
    public static readonly TimeSpan DefaultArpRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Default of <see cref="ArpAttempts"/>.</summary>
    public const int DefaultArpAttempts = 3;

    /// <summary>Default of <see cref="IcmpRate"/>.</summary>
    public const int DefaultIcmpRate = 100;

    /// <summary>Default of <see cref="IcmpBurst"/>.</summary>
    public const int DefaultIcmpBurst = 50;

    /// <summary>The interfaces, in run-time port order (file order).</summary>
    public IReadOnlyList<RouterInterface> Interfaces { get; init; } = [];

    /// <summary>Static IPv4 routes, in file order.</summary>
    public IReadOnlyList<StaticRoute> Routes { get; init; } = [];

    /// <summary>Static IPv6 routes, in file order.</summary>
    public IReadOnlyList<Ipv6StaticRoute> Ipv6Routes { get; init; } = [];

    /// <summary>Default of <see cref="NeighbourReachable"/> (RFC 4861 REACHABLE_TIME).</summary>
    public static readonly TimeSpan DefaultNeighbourReachable = TimeSpan.FromSeconds(30);

    /// <summary>How long an IPv6 neighbour is reachable after it was confirmed (<c>nd-reachable</c>); then it is probed while used.</summary>
    public TimeSpan NeighbourReachable { get; init; } = DefaultNeighbourReachable;

    /// <summary>Most IPv6 neighbour entries (<c>nd-cache-size</c>); when full, new next hops are not resolved (packets dropped, counted).</summary>
    public int NeighbourCacheSize { get; init; } = DefaultArpCacheSize;

    /// <summary>How long a resolved neighbour is used before it is resolved again (<c>arp-reachable</c>).</summary>
    public TimeSpan ArpReachable { get; init; } = DefaultArpReachable;

    /// <summary>Most ARP entries (<c>arp-cache-size</c>); when full, new next hops are not resolved (packets dropped, counted).</summary>
    public int ArpCacheSize { get; init; } = DefaultArpCacheSize;

    /// <summary>Packets held per next hop while its address is resolved (<c>arp-queue</c>); more are dropped.</summary>
    public int ArpQueueLength { get; init; } = DefaultArpQueueLength;

    /// <summary>Time between ARP requests for one next hop.</summary>
    public TimeSpan ArpRetryInterval { get; init; } = DefaultArpRetryInterval;

    /// <summary>ARP requests sent before a next hop is declared unreachable (ICMP host unreachable for what waited).</summary>
    public int ArpAttempts { get; init; } = DefaultArpAttempts;

    /// <summary>ICMP errors the router may send per second, on average (<c>icmp-rate</c>; 0 = none at all).</summary>
    public int IcmpRate { get; init; } = DefaultIcmpRate;

    /// <summary>ICMP errors the router may send back to back (<c>icmp-burst</c>): the token bucket's depth.</summary>
    public int IcmpBurst { get; init; } = DefaultIcmpBurst;
}

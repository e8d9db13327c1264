using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// Router advertisements of one interface (RFC 4861 §6.2.1; <c>ra:</c> in the topology): what lab hosts learn from
/// the router to configure themselves by SLAAC (RFC 4862) and find their default router.
/// </summary>
public sealed record RouterAdvertisements
{
    /// <summary>Default of <see cref="Interval"/>.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(200);

    /// <summary>Default of <see cref="Lifetime"/> (RFC 4861: 3 × MaxRtrAdvInterval).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(1800);

    /// <summary>Valid lifetime of each advertised prefix (RFC 4861's default, 30 days).</summary>
    public static readonly TimeSpan PrefixValidLifetime = TimeSpan.FromDays(30);

    /// <summary>Preferred lifetime of each advertised prefix (RFC 4861's default, 7 days).</summary>
    public static readonly TimeSpan PrefixPreferredLifetime = TimeSpan.FromDays(7);

    /// <summary>Least time between two multicast advertisements of one interface (RFC 4861 MIN_DELAY_BETWEEN_RAS).</summary>
    public static readonly TimeSpan MinDelayBetween = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Prefixes advertised in prefix information options: on-link, and autonomous (SLAAC) when 64 bits long. Empty:
    /// the networks of the interface's IPv6 addresses.
    /// </summary>
    public IReadOnlyList<Ipv6Prefix> Prefixes { get; init; } = [];

    /// <summary>The M flag: addresses come from DHCPv6 (which Nfv does not serve yet).</summary>
    public bool Managed { get; init; }

    /// <summary>The O flag: other configuration (DNS) comes from DHCPv6.</summary>
    public bool Other { get; init; }

    /// <summary>Recursive DNS servers (RFC 8106) advertised to hosts.</summary>
    public IReadOnlyList<Ipv6Address> Rdnss { get; init; } = [];

    /// <summary>Router lifetime: how long hosts keep the router as a default router (0: not a default router).</summary>
    public TimeSpan Lifetime { get; init; } = DefaultLifetime;

    /// <summary>Time between unsolicited advertisements (the first three come faster, RFC 4861 §6.2.4).</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;
}

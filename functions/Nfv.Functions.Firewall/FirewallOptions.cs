using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Functions.Firewall;

/// <summary>A firewall's checked configuration (<c>kind: firewall</c>).</summary>
public sealed record FirewallOptions
{
    /// <summary>Shortest idle time of an established TCP connection that may be configured.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The rules, in order: the first that matches a new connection decides it.</summary>
    public IReadOnlyList<FirewallRule> Rules { get; init; } = [];

    /// <summary>What becomes of a new connection no rule matches (<c>default:</c>).</summary>
    public FirewallAction Default { get; init; } = FirewallAction.Deny;

    /// <summary>What becomes of frames that are neither IPv4 nor ARP (<c>non-ip:</c>); ARP always passes.</summary>
    public FirewallAction NonIp { get; init; } = FirewallAction.Deny;

    /// <summary>Most connections tracked at once (<c>max-connections:</c>).</summary>
    public int MaxConnections { get; init; } = 65536;

    /// <summary>Idle time of an established TCP connection.</summary>
    public TimeSpan TcpEstablished { get; init; } = TimeSpan.FromHours(2) + TimeSpan.FromMinutes(4);

    /// <summary>Idle time of a TCP connection opening, closing or reset.</summary>
    public TimeSpan TcpTransitory { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Idle time of a UDP (or other protocol's) flow.</summary>
    public TimeSpan UdpTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Idle time of an ICMP echo exchange.</summary>
    public TimeSpan IcmpTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Allow or deny.</summary>
public enum FirewallAction
{
    /// <summary>Drops the packet.</summary>
    Deny = 0,

    /// <summary>Passes the packet and tracks its connection, so the replies pass too.</summary>
    Allow = 1,
}

/// <summary>Which port a connection must come in on for a rule to match it (<c>from:</c>).</summary>
public enum FirewallSide
{
    /// <summary>Either.</summary>
    Any = 0,

    /// <summary>Connections opened from the inside port.</summary>
    Inside = 1,

    /// <summary>Connections opened from the outside port.</summary>
    Outside = 2,
}

/// <summary>One rule as written: who may open the connection, and what it must match.</summary>
/// <param name="Action">Allow or deny.</param>
/// <param name="From">The port the connection comes in on.</param>
/// <param name="Match">What the packet must match (<c>protocol</c>, <c>src</c>, <c>dst-port</c>, ...).</param>
/// <param name="Span">Where it is written.</param>
public sealed record FirewallRule(FirewallAction Action, FirewallSide From, Ipv4Match Match, SourceSpan Span)
{
    /// <summary>The rule as <c>nfv show firewall</c> prints it (<c>from inside tcp dst-port 80</c>).</summary>
    public string Text => From switch
    {
        FirewallSide.Any => Match.ToString(),
        _ => Match == Ipv4Match.Any ? $"from {From.ToString().ToLowerInvariant()}" : $"from {From.ToString().ToLowerInvariant()} {Match}",
    };
}

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// A static IPv6 route: a prefix reached through a next hop (<c>via</c>), out of an interface (<c>dev</c>), or through a
/// link-local next hop on an interface (both: a link-local address means nothing without its link).
/// </summary>
public sealed record Ipv6StaticRoute
{
    /// <summary>The destination prefix (host bits cleared).</summary>
    public required Ipv6Prefix Prefix { get; init; }

    /// <summary>The next hop; null for a route straight out of <see cref="Device"/>.</summary>
    public Ipv6Address? Via { get; init; }

    /// <summary>The interface; required with a link-local <see cref="Via"/>, null with a global one.</summary>
    public string? Device { get; init; }

    /// <summary>Where it was declared.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc/>
    public override string ToString() => (Via, Device) switch
    {
        ({ } via, { } dev) => $"{Prefix} via {via} dev {dev}",
        ({ } via, null) => $"{Prefix} via {via}",
        _ => $"{Prefix} dev {Device}",
    };
}

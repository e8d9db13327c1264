using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>A static route: a prefix reached through a next hop (<c>via</c>) or out of an interface (<c>dev</c>).</summary>
public sealed record StaticRoute
{
    /// <summary>The destination prefix (host bits cleared).</summary>
    public required Ipv4Prefix Prefix { get; init; }

    /// <summary>The next hop; null with <see cref="Device"/>.</summary>
    public Ipv4Address? Via { get; init; }

    /// <summary>The interface the prefix is directly reachable on; null with <see cref="Via"/>.</summary>
    public string? Device { get; init; }

    /// <summary>Where it was declared.</summary>
    public SourceSpan Span { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Via is { } via ? $"{Prefix} via {via}" : $"{Prefix} dev {Device}";
}

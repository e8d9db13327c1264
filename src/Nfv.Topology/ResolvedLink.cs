using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>A wire between two ports.</summary>
/// <param name="A">The first end, as written.</param>
/// <param name="B">The second end, as written.</param>
/// <param name="Span">Where the link is written.</param>
public sealed record ResolvedLink(LinkEndpoint A, LinkEndpoint B, SourceSpan Span)
{
    /// <summary>
    /// The pcap file every frame crossing the link (both ways) is written to (<c>capture:</c>), as a full
    /// path resolved against the topology file's folder; null when the link is not captured.
    /// </summary>
    public string? Capture { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{A} <-> {B}";
}

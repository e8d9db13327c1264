using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>A wire between two ports.</summary>
/// <param name="A">The first end, as written.</param>
/// <param name="B">The second end, as written.</param>
/// <param name="Span">Where the link is written.</param>
public sealed record ResolvedLink(LinkEndpoint A, LinkEndpoint B, SourceSpan Span)
{
    /// <inheritdoc/>
    public override string ToString() => $"{A} <-> {B}";
}

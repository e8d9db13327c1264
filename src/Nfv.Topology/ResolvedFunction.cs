using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>A function of the topology, its configuration checked and its links attached.</summary>
/// <param name="Name">The function's name in the file.</param>
/// <param name="Kind">The kind, as its factory spells it (<c>switch</c>).</param>
/// <param name="Blueprint">The checked configuration; <see cref="FunctionBlueprint.Ports"/> includes every port links attached.</param>
/// <param name="Span">Where the function is declared (its name).</param>
public sealed record ResolvedFunction(string Name, string Kind, FunctionBlueprint Blueprint, SourceSpan Span)
{
    /// <summary>The node it runs on, in a topology split over machines (<c>node:</c>); null otherwise.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// The function's mapping as the file wrote it (<c>kind</c> included, <c>node</c> left out), which
    /// <see cref="TopologyDiff"/> compares and <see cref="Nfv.Abstractions.IReconfigurableFunction"/> takes.
    /// </summary>
    public ConfigMapping Config { get; init; } = new([], default);
}

using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>What loading a topology file gave: the model when the file is good, and everything found.</summary>
/// <param name="Topology">The resolved topology, or null when any error was found.</param>
/// <param name="Diagnostics">Every error and warning, ordered by line and column.</param>
public sealed record TopologyLoadResult(ResolvedTopology? Topology, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when the file has no error (it may have warnings) and <see cref="Topology"/> is set.</summary>
    public bool Succeeded => Topology is not null;
}

using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// The blueprint of a function that is an L3 feature (a NAT): named by a router interface (<see cref="FeatureReference"/>),
/// never linked. It has no ports. What <see cref="FunctionBlueprint.Build"/> returns also implements
/// <see cref="Ip.IIpv4Feature"/>: the host builds features first and hands them to the functions that name them
/// (<see cref="FunctionBuildContext.Features"/>), and keeps the feature in the graph as a node without ports, so its
/// <see cref="INetworkFunction.OnTimer"/> runs on the worker and its tables are inspected like any function's.
/// </summary>
public abstract class FeatureBlueprint : FunctionBlueprint
{
    /// <summary>The function's name in the topology.</summary>
    public abstract string Name { get; }

    /// <inheritdoc/>
    /// <remarks>A feature has none.</remarks>
    public sealed override IReadOnlyList<string> Ports => [];

    /// <inheritdoc/>
    /// <remarks>A feature's packets are dropped by the function that runs it; it counts its own reasons as events.</remarks>
    public override IReadOnlyList<string> DropReasons => [];

    /// <inheritdoc/>
    /// <remarks>A feature is never linked: reports the mistake.</remarks>
    public sealed override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        diagnostics.Error(DiagnosticCodes.BadFeature, span,
            $"'{Name}' is an L3 feature, not linked by wires: name it on a router interface instead, such as 'wan: {{ address: 203.0.113.2/24, nat: {Name} }}'");
        return -1;
    }

    /// <summary>
    /// Checks the place a function named the feature (the interface's addresses, say), reporting problems with their
    /// line and column. Called once per reference the loader accepted.
    /// </summary>
    public virtual void CheckPlacement(FeatureReference reference, DiagnosticBag diagnostics)
    {
    }
}

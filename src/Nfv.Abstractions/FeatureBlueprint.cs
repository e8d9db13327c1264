using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// The blueprint of a function that is a feature of another (a NAT on a router interface): named in that function's
/// configuration (<see cref="FeatureReference"/>), never linked, so it has no ports. What <see cref="FunctionBlueprint.Build"/>
/// returns implements <see cref="Contract"/>; the runtime builds features first, hands them to the functions that name
/// them (<see cref="FunctionBuildContext.Feature{T}"/>), and keeps each in the graph as a node without ports, so its
/// <see cref="INetworkFunction.OnTimer"/> runs on the worker and its tables are inspected like any function's.
/// </summary>
public abstract class FeatureBlueprint : FunctionBlueprint
{
    /// <summary>The function's name in the topology.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The interface the running feature implements and is called through (an IPv4 hook interface). A reference asking
    /// for another contract is refused at validation, with its line and column.
    /// </summary>
    public abstract Type Contract { get; }

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
            $"'{Name}' is a {FeatureReference.Describe(Contract)}, not linked by wires: name it in the features of the place it serves, such as 'wan: {{ address: 203.0.113.2/24, features: [{Name}] }}' on a router");
        return -1;
    }

    /// <summary>
    /// Checks the place a function named the feature (the interface's addresses, from <see cref="FeatureReference.Placement"/>),
    /// reporting problems with their line and column. Called once per reference the loader accepted.
    /// </summary>
    public virtual void CheckPlacement(FeatureReference reference, DiagnosticBag diagnostics)
    {
    }
}

namespace Nfv.Topology;

/// <summary>One end of a link, resolved to indices.</summary>
/// <param name="Kind">Whether this end is a function's port or an external port.</param>
/// <param name="Index">The index into <see cref="ResolvedTopology.Functions"/> or <see cref="ResolvedTopology.Ports"/>.</param>
/// <param name="Port">The port's index within the function (<see cref="Nfv.Abstractions.FunctionBlueprint.Ports"/>); 0 for an external port.</param>
/// <param name="Display">How to name this end to a person: <c>gw.lan</c> for a function's port, <c>lan1</c> for an external port.</param>
public sealed record LinkEndpoint(EndpointKind Kind, int Index, int Port, string Display)
{
    /// <inheritdoc/>
    public override string ToString() => Display;
}

namespace Nfv.Topology;

/// <summary>What one end of a link is.</summary>
public enum EndpointKind
{
    /// <summary>A port of a function (<see cref="ResolvedTopology.Functions"/>).</summary>
    Function,

    /// <summary>An external port (<see cref="ResolvedTopology.Ports"/>).</summary>
    ExternalPort,
}

namespace Nfv.Dataplane.Graph;

/// <summary>What a graph endpoint is.</summary>
public enum GraphEndpointKind
{
    /// <summary>Nothing: an unconnected output.</summary>
    None,
    /// <summary>A port of a function.</summary>
    Function,
    /// <summary>An external port (TAP, memory, ...).</summary>
    ExternalPort,
}

/// <summary>One end of a link: a function's port, or an external port.</summary>
/// <param name="Kind">What the endpoint is.</param>
/// <param name="Index">The function's or the external port's index in the graph.</param>
/// <param name="Port">The function's port number; 0 for an external port.</param>
public readonly record struct GraphEndpoint(GraphEndpointKind Kind, int Index, int Port)
{
    /// <summary>A port of function <paramref name="function"/>.</summary>
    public static GraphEndpoint Function(int function, int port) => new(GraphEndpointKind.Function, function, port);

    /// <summary>External port <paramref name="port"/>.</summary>
    public static GraphEndpoint External(int port) => new(GraphEndpointKind.ExternalPort, port, 0);
}

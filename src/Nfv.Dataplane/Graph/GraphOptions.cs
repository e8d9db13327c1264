namespace Nfv.Dataplane.Graph;

/// <summary>How a graph runs.</summary>
public sealed record GraphOptions
{
    /// <summary>Packets read from one port before the graph runs them.</summary>
    public int ReceiveBatchSize { get; init; } = 64;

    /// <summary>The most functions a packet crosses in one pass before the loop guard drops it.</summary>
    public int MaxHops { get; init; } = 32;
}

namespace Nfv.Functions.Impair;

/// <summary>
/// Why the impairment dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="ImpairBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum ImpairDrop
{
    /// <summary>Lost on purpose: the loss model said so (random, or a Gilbert-Elliott burst).</summary>
    Loss = 0,

    /// <summary>Its direction already held <c>queue</c> packets in flight (tail drop).</summary>
    QueueFull = 1,

    /// <summary>The packet's input port is not one of the function's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 2,
}

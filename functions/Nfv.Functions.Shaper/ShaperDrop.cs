namespace Nfv.Functions.Shaper;

/// <summary>
/// Why the shaper dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="ShaperBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum ShaperDrop
{
    /// <summary>The queue held <c>queue</c> packets already (tail drop).</summary>
    QueueFull = 0,

    /// <summary>The packet's input port is not one of the shaper's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 1,
}

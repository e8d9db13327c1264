namespace Nfv.Dataplane.Graph;

/// <summary>Why the graph itself (not a function) dropped a packet.</summary>
public enum GraphDrop
{
    /// <summary>The packet crossed more functions in one pass than the loop guard allows.</summary>
    LoopGuard,
    /// <summary>A function sent the packet out of a port with no link.</summary>
    Unconnected,
    /// <summary>A function sent the packet out of a port it does not have (a bug in the function).</summary>
    InvalidPort,
    /// <summary>A function dropped with a reason it did not declare (a bug in the function).</summary>
    InvalidReason,
    /// <summary>
    /// The ring to the worker the packet's next function or port is placed on was full. Its rings hold every packet the
    /// workers' pools have, so this means a bug, never load.
    /// </summary>
    HandoffFull,
}

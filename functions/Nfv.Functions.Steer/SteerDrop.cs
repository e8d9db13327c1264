namespace Nfv.Functions.Steer;

/// <summary>
/// Why the steering function dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="SteerBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum SteerDrop
{
    /// <summary>Says it is IPv4 but is too short for its headers.</summary>
    Malformed = 0,

    /// <summary>The packet's input port is not one of the function's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 1,
}

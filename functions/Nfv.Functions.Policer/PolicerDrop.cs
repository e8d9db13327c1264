namespace Nfv.Functions.Policer;

/// <summary>
/// Why the policer dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="PolicerBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum PolicerDrop
{
    /// <summary>Over its class's rate, with <c>exceed: drop</c> (the default).</summary>
    Exceeded = 0,

    /// <summary>Says it is IPv4 but is too short for its headers.</summary>
    Malformed = 1,

    /// <summary>The packet's input port is not one of the policer's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 2,
}

namespace Nfv.Dataplane.Ports;

/// <summary>Whether an external port can carry frames now.</summary>
public enum PortState
{
    /// <summary>Frames flow both ways.</summary>
    Up,

    /// <summary>
    /// The interface is there but down (no carrier: <c>ip link set eth0 down</c> in a lab host): frames to it are dropped
    /// and counted without a system call, and a write is tried again every quarter second until one succeeds.
    /// </summary>
    NoCarrier,

    /// <summary>
    /// The device is gone (its namespace was deleted, or the interface removed): the descriptor can never carry a frame
    /// again. The worker stops polling it, so it costs no CPU; only a new device brings the port back.
    /// </summary>
    Gone,
}

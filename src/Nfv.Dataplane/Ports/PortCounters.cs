namespace Nfv.Dataplane.Ports;

/// <summary>
/// Counters of an external port. Written only by the worker that owns the port; 64-bit reads
/// from other threads are not torn, so a scrape reads them as they are.
/// </summary>
public sealed class PortCounters
{
    /// <summary>Frames received.</summary>
    public long ReceivedPackets;
    /// <summary>Bytes received (frames, without the offload header).</summary>
    public long ReceivedBytes;
    /// <summary>Frames sent.</summary>
    public long SentPackets;
    /// <summary>Bytes sent.</summary>
    public long SentBytes;
    /// <summary>Reads that failed for a reason other than "nothing waiting".</summary>
    public long ReceiveErrors;
    /// <summary>Frames the port could not send.</summary>
    public long SendErrors;
    /// <summary>Frames not sent because the port was down (<see cref="PortState.NoCarrier"/> or <see cref="PortState.Gone"/>).</summary>
    public long SendDropsDown;
    /// <summary>Times a read was cut short because the packet pool was empty.</summary>
    public long ReceiveNoBuffer;
    /// <summary>Frames too short to carry the offload header, or with a header that does not fit the frame.</summary>
    public long ReceiveMalformed;
}

using System.ComponentModel;
using System.Runtime.CompilerServices;
using Nfv.Abstractions.Inspection;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// What an external port carried and lost, declared once in <see cref="PortTraffic"/> and <see cref="PortDrop"/>: the
/// metrics (<c>nfv_port_received_packets_total</c>, <c>nfv_port_dropped_packets_total{reason}</c>) and
/// <c>/api/ports</c> derive their names from the enums. Written only by the worker that owns the port, with plain
/// increments; read from any thread.
/// </summary>
public sealed class PortCounters
{
    /// <summary>Counters at zero.</summary>
    public PortCounters()
    {
    }

    private PortCounters(EventCounters<PortTraffic> traffic, EventCounters<PortDrop> drops) => (Traffic, Drops) = (traffic, drops);

    /// <summary>A read-only view summing <paramref name="parts"/>: a port's queues, each counted by its own worker.</summary>
    public static PortCounters Sum(IReadOnlyList<PortCounters> parts) =>
        new(EventCounters<PortTraffic>.Sum(parts.Select(p => p.Traffic)), EventCounters<PortDrop>.Sum(parts.Select(p => p.Drops)));

    /// <summary>Frames and bytes carried.</summary>
    public EventCounters<PortTraffic> Traffic { get; } = new();

    /// <summary>Frames lost, by reason.</summary>
    public EventCounters<PortDrop> Drops { get; } = new();

    /// <summary>Counts a frame of <paramref name="bytes"/> received.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Received(int bytes)
    {
        Traffic.Increment(PortTraffic.ReceivedPackets);
        Traffic.Add(PortTraffic.ReceivedBytes, bytes);
    }

    /// <summary>Counts a frame of <paramref name="bytes"/> sent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Sent(int bytes)
    {
        Traffic.Increment(PortTraffic.SentPackets);
        Traffic.Add(PortTraffic.SentBytes, bytes);
    }

    /// <summary>Counts a frame lost for <paramref name="reason"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dropped(PortDrop reason) => Drops.Increment(reason);

    /// <summary>Counts <paramref name="count"/> frames lost for <paramref name="reason"/>.</summary>
    public void Dropped(PortDrop reason, int count) => Drops.Add(reason, count);
}

/// <summary>What a port carried; each is a metric of its own, <c>nfv_port_NAME_total</c>.</summary>
public enum PortTraffic
{
    /// <summary>Frames received.</summary>
    [Description("Frames received by an external port.")]
    ReceivedPackets = 0,

    /// <summary>Bytes received (frames, without the offload header).</summary>
    [Description("Bytes of frames received by an external port.")]
    ReceivedBytes = 1,

    /// <summary>Frames sent.</summary>
    [Description("Frames sent by an external port.")]
    SentPackets = 2,

    /// <summary>Bytes sent.</summary>
    [Description("Bytes of frames sent by an external port.")]
    SentBytes = 3,
}

/// <summary>Why a port lost a frame: the <c>reason</c> of <c>nfv_port_dropped_packets_total</c>.</summary>
public enum PortDrop
{
    /// <summary>A read failed for a reason other than "nothing waiting".</summary>
    [Description("reads that failed")]
    ReceiveError = 0,

    /// <summary>A frame the port could not send (the kernel's queue full, the device gone).</summary>
    [Description("frames the port could not send")]
    SendError = 1,

    /// <summary>A read was cut short because the packet pool was empty (the frame waits in the kernel, or is lost there).</summary>
    [Description("reads cut short: packet pool empty")]
    NoBuffer = 2,

    /// <summary>A frame too short to carry the offload header, or with a header that does not fit the frame.</summary>
    [Description("frames without a usable offload header")]
    Malformed = 3,

    /// <summary>A frame not sent because the port was down (<see cref="PortState.NoCarrier"/> or <see cref="PortState.Gone"/>).</summary>
    [Description("frames not sent: port down")]
    Down = 4,

    /// <summary>A frame bigger than the path takes: a VXLAN port's inner frame over the underlay's MTU less 50 bytes.</summary>
    [Description("frames too big for the underlay")]
    Oversize = 5,

    /// <summary>A VXLAN datagram from an address that is not one of the port's remotes, or for another VNI.</summary>
    [Description("tunnel datagrams from an unknown remote or for another VNI")]
    Foreign = 6,

    /// <summary>A frame for a socket port that nothing has attached to yet (no peer address known), or whose peer went away.</summary>
    [Description("frames not sent: nothing attached to the socket")]
    NoPeer = 7,
}

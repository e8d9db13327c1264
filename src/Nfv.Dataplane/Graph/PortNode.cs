using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Graph;

/// <summary>An external port in the compiled graph.</summary>
public sealed class PortNode
{
    internal PortNode(IFramePort port, GraphEndpoint output, int pendingCapacity)
    {
        Port = port;
        Output = output;
        Transmit = new PacketBatch(pendingCapacity);
    }

    /// <summary>The port.</summary>
    public IFramePort Port { get; }

    /// <summary>Frames received while the port had no link.</summary>
    public long Unconnected;

    internal GraphEndpoint Output { get; }

    /// <summary>The first capture of this port's link (more follow through <see cref="LinkCapture.Next"/>), or null.</summary>
    internal LinkCapture? Capture { get; set; }

    internal PacketBatch Transmit { get; }

    /// <summary>The lane (worker) the node is placed on, which alone runs it.</summary>
    internal int Lane { get; init; }
}

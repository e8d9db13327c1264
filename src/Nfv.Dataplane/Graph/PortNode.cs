using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Graph;

/// <summary>An external port in the compiled graph.</summary>
public sealed class PortNode
{
    internal PortNode(IFramePort port, GraphEndpoint output, int pendingCapacity, int lanes, int lane)
    {
        Port = port;
        Output = output;
        Queues = new IFramePort?[lanes];
        Transmits = new PacketBatch?[lanes];
        var queues = port.Queues;
        if (lanes > 1 && queues.Count == lanes)
        {
            Lane = -1; // a queue on every lane
            for (int i = 0; i < lanes; i++)
            {
                Queues[i] = queues[i];
                Transmits[i] = new PacketBatch(pendingCapacity);
            }
        }
        else
        {
            Lane = lane;
            Queues[lane] = port;
            Transmits[lane] = new PacketBatch(pendingCapacity);
        }
    }

    /// <summary>The port.</summary>
    public IFramePort Port { get; }

    /// <summary>Frames received while the port had no link.</summary>
    public long Unconnected;

    internal GraphEndpoint Output { get; }

    /// <summary>The first capture of this port's link (more follow through <see cref="LinkCapture.Next"/>), or null.</summary>
    internal LinkCapture? Capture { get; set; }

    /// <summary>The lane the port is placed on, which alone reads and writes it; -1 when every lane has a queue of it.</summary>
    internal int Lane { get; }

    /// <summary>By lane, the queue that lane reads and writes (<see cref="IFramePort.Queues"/>); null on a lane that has none.</summary>
    internal IFramePort?[] Queues { get; }

    /// <summary>By lane, the frames that lane will write at the end of its pass; null on a lane that has no queue.</summary>
    internal PacketBatch?[] Transmits { get; }
}

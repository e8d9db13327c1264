using System.Runtime.InteropServices;
using Nfv.Abstractions;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// An external port: where frames enter and leave the graph (a TAP, a socket, a VXLAN tunnel, a pcap file).
/// Used by one worker thread at a time (a port with several <see cref="Queues"/>: each queue by one worker).
/// </summary>
public interface IFramePort : IDisposable
{
    /// <summary>The port's name in the topology.</summary>
    string Name { get; }

    /// <summary>The descriptor a worker polls for readability, or null for a port fed some other way.</summary>
    SafeHandle? PollHandle { get; }

    /// <summary>Counters, written by the worker that owns the port.</summary>
    PortCounters Counters { get; }

    /// <summary>Whether the port carries frames now; written by the worker, readable from any thread.</summary>
    PortState State => PortState.Up;

    /// <summary>
    /// Reads frames that are waiting, without blocking, into <paramref name="batch"/> until it is full or
    /// nothing is left. Packets come from <paramref name="pool"/>. Returns how many were added.
    /// </summary>
    int Receive(PacketBatch batch, PacketPool pool);

    /// <summary>Sends the frame, or counts why not, and returns the packet to its pool either way.</summary>
    void Send(Packet packet);

    /// <summary>
    /// Sends the frames in order as <see cref="Send(Packet)"/> each; a port that can hand the kernel a batch in one
    /// system call does so.
    /// </summary>
    void Send(ReadOnlySpan<Packet> packets)
    {
        foreach (var packet in packets)
        {
            Send(packet);
        }
    }

    /// <summary>
    /// The port's queues, each a port of its own read and written by one worker: a TAP opened with one queue per worker
    /// (IFF_MULTI_QUEUE) lists them, the first being the port itself; any other port is its only queue. The graph runs a
    /// port with one queue per worker on every worker, each on its own queue, and any other port on one worker.
    /// </summary>
    IReadOnlyList<IFramePort> Queues => [this];
}

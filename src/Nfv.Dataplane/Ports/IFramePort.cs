using System.Runtime.InteropServices;
using Nfv.Abstractions;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// An external port: where frames enter and leave the graph (a TAP, later pcap files and VXLAN).
/// Used by one worker thread at a time.
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
}

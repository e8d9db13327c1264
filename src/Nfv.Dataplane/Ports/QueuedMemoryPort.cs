using System.Runtime.InteropServices;
using Nfv.Abstractions;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// An in-memory port with a queue per worker, as a multi-queue TAP has a descriptor per worker, for tests: the graph
/// reads and writes each queue (<see cref="Memory"/>) on its own lane, never the port itself.
/// </summary>
public sealed class QueuedMemoryPort : IFramePort
{
    /// <summary>Creates the port <paramref name="name"/> with <paramref name="queues"/> queues, named NAME0, NAME1...</summary>
    public QueuedMemoryPort(string name, int queues)
    {
        Name = name;
        Memory = [.. Enumerable.Range(0, queues).Select(i => new MemoryPort($"{name}{i}"))];
    }

    /// <summary>The queues, by worker.</summary>
    public IReadOnlyList<MemoryPort> Memory { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public SafeHandle? PollHandle => null;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <inheritdoc/>
    public IReadOnlyList<IFramePort> Queues => Memory;

    /// <inheritdoc/>
    public int Receive(PacketBatch batch, PacketPool pool) => throw new InvalidOperationException("read through a queue");

    /// <inheritdoc/>
    public void Send(Packet packet) => throw new InvalidOperationException("written through a queue");

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

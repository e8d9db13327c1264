using System.Runtime.InteropServices;
using Nfv.Abstractions;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// An in-memory external port for tests and offline runs: frames queued with <see cref="Enqueue"/>
/// enter the graph on the next receive; frames the graph sends are kept in <see cref="Sent"/>.
/// </summary>
public sealed class MemoryPort(string name) : IFramePort
{
    private readonly Queue<(byte[] Frame, VirtioNetHeader Offload)> _inbox = new();
    private readonly List<(byte[] Frame, VirtioNetHeader Offload)> _sent = [];

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public SafeHandle? PollHandle => null;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <summary>Frames the graph sent out of this port, in order.</summary>
    public IReadOnlyList<(byte[] Frame, VirtioNetHeader Offload)> Sent => _sent;

    /// <summary>Frames waiting to be received.</summary>
    public int Pending => _inbox.Count;

    /// <summary>Queues a frame to be received.</summary>
    public void Enqueue(ReadOnlySpan<byte> frame, VirtioNetHeader offload = default) => _inbox.Enqueue((frame.ToArray(), offload));

    /// <summary>Forgets what was sent.</summary>
    public void ClearSent() => _sent.Clear();

    /// <inheritdoc/>
    public int Receive(PacketBatch batch, PacketPool pool)
    {
        int added = 0;
        while (!batch.IsFull && _inbox.Count > 0)
        {
            var packet = pool.Rent();
            if (packet is null)
            {
                Counters.Dropped(PortDrop.NoBuffer);
                break;
            }
            var (frame, offload) = _inbox.Dequeue();
            packet.Load(frame);
            packet.Offload = offload;
            Counters.Received(frame.Length);
            batch.Add(packet);
            added++;
        }
        return added;
    }

    /// <inheritdoc/>
    public void Send(Packet packet)
    {
        _sent.Add((packet.Data.ToArray(), packet.Offload));
        Counters.Sent(packet.Length);
        packet.Release();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

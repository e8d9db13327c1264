using System.Runtime.InteropServices;
using Nfv.Abstractions;
using Nfv.Dataplane.Ports;

namespace Nfv.Benchmarks;

/// <summary>
/// An external port that always has a full batch of the same frame waiting (each packet rented and the frame copied
/// in, as a TAP read fills a buffer), and counts and releases what it is sent. Used by the graph benchmark and, linked
/// into Nfv.Dataplane.Tests, by the allocation tests of the graph.
/// </summary>
internal sealed class RepeatingPort(string name, byte[] frame) : IFramePort
{
    public string Name { get; } = name;

    public SafeHandle? PollHandle => null;

    public PortCounters Counters { get; } = new();

    public long Sent;

    public int Receive(PacketBatch batch, PacketPool pool)
    {
        int added = 0;
        while (!batch.IsFull && pool.Rent() is { } packet)
        {
            packet.Load(frame);
            batch.Add(packet);
            added++;
        }
        return added;
    }

    public void Send(Packet packet)
    {
        Sent++;
        packet.Release();
    }

    public void Dispose()
    {
    }
}

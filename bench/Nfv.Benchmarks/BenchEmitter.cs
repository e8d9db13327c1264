using Nfv.Abstractions;

namespace Nfv.Benchmarks;

/// <summary>
/// An emitter that sends nowhere, so a benchmark measures the function alone: clones come from their own pool
/// and go back to it as soon as they are sent or dropped; the benchmark's own input packets are kept for the
/// next round. Counts what it saw, so a benchmark can check the function did what it should.
/// </summary>
public sealed class BenchEmitter(int clonePoolSize = 256) : Emitter
{
    private readonly PacketPool _clones = new(clonePoolSize, 2048);

    /// <summary>Packets sent.</summary>
    public long Sent { get; private set; }

    /// <summary>Packets dropped.</summary>
    public long Dropped { get; private set; }

    /// <inheritdoc/>
    public override void To(int port, Packet packet)
    {
        Sent++;
        Return(packet);
    }

    /// <inheritdoc/>
    public override void Drop(Packet packet, int reason)
    {
        Dropped++;
        Return(packet);
    }

    /// <inheritdoc/>
    public override Packet? Clone(Packet packet)
    {
        var copy = _clones.Rent();
        copy?.CopyFrom(packet);
        return copy;
    }

    /// <inheritdoc/>
    public override Packet? Allocate() => _clones.Rent();

    private void Return(Packet packet)
    {
        if (ReferenceEquals(packet.Owner, _clones))
        {
            packet.Release();
        }
    }
}

using Nfv.Abstractions;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>Sends every packet out of the other of its two ports.</summary>
internal sealed class WireFunction : INetworkFunction
{
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            emit.To(1 - packet.InputPort, packet);
        }
    }
}

/// <summary>Sends every packet back out of the port it came in on.</summary>
internal sealed class ReflectFunction : INetworkFunction
{
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            emit.To(packet.InputPort, packet);
        }
    }
}

/// <summary>Copies every packet to each port but the one it came in on.</summary>
internal sealed class FloodFunction(int ports) : INetworkFunction
{
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            int last = packet.InputPort == ports - 1 ? ports - 2 : ports - 1;
            for (int p = 0; p < ports; p++)
            {
                if (p == packet.InputPort || p == last)
                {
                    continue;
                }
                if (emit.Clone(packet) is { } copy)
                {
                    emit.To(p, copy);
                }
            }
            emit.To(last, packet);
        }
    }
}

/// <summary>Drops frames whose first byte is odd (reason 1) and passes the rest to port 1.</summary>
internal sealed class OddDropFunction : INetworkFunction
{
    public static readonly string[] Reasons = ["Even", "Odd"];

    public int Timers;

    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            if ((packet.Data[0] & 1) == 1)
            {
                emit.Drop(packet, 1);
            }
            else
            {
                emit.To(1, packet);
            }
        }
    }

    public void OnTimer(Emitter emit) => Timers++;
}

/// <summary>Sends every packet out of port 0.</summary>
internal sealed class ToPortZeroFunction : INetworkFunction
{
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            emit.To(0, packet);
        }
    }
}

/// <summary>States a decision about every packet, then drops odd first bytes (reason 1, "Odd") and passes the rest to port 1.</summary>
internal sealed class DecidingFunction : INetworkFunction
{
    public static readonly string[] Reasons = ["Even", "Odd"];

    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            byte first = packet.Data[0];
            emit.Trace(packet, $"first byte {first}: {((first & 1) == 1 ? "dropped" : "passed")}");
            if ((first & 1) == 1)
            {
                emit.Drop(packet, 1);
            }
            else
            {
                emit.To(1, packet);
            }
        }
    }
}

/// <summary>Drops every packet; counts its timer calls, and asks for the next one a millisecond after each.</summary>
internal sealed class MillisecondTimerFunction : INetworkFunction
{
    public static readonly string[] Reasons = ["Dropped"];

    private int _wakes;
    private int _ticks;
    private long _asked = long.MaxValue;

    /// <summary>Timer calls that came for a <see cref="Emitter.WakeAt"/> request (read from any thread).</summary>
    public int Wakes => Volatile.Read(ref _wakes);

    /// <summary>Every timer call: the regular ticks and the requested ones (read from any thread).</summary>
    public int Ticks => Volatile.Read(ref _ticks);

    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            emit.Drop(packet, 0);
        }
        if (_asked == long.MaxValue)
        {
            Ask(emit);
        }
    }

    public void OnTimer(Emitter emit)
    {
        Interlocked.Increment(ref _ticks);
        if (_asked != long.MaxValue && TimeProvider.System.GetTimestamp() >= _asked)
        {
            Interlocked.Increment(ref _wakes);
            Ask(emit);
        }
    }

    private void Ask(Emitter emit)
    {
        _asked = TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency / 1000);
        emit.WakeAt(_asked);
    }
}

/// <summary>Holds every odd-numbered packet it is given and sends it, out of port 1, with the next one.</summary>
internal sealed class HoldOneFunction : INetworkFunction
{
    private Packet? _held;

    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            if (_held is null)
            {
                _held = packet;
                emit.Hold(packet);
                continue;
            }
            emit.To(1, _held);
            emit.To(1, packet);
            _held = null;
        }
    }
}

// An instance of a function run per lane that owns the frames whose first byte is its number: the others it hands to
// their owner, its own it sends out of port 1. Misled, it hands every frame to the other instance.
internal sealed class HandingFunction(int instance) : INetworkFunction
{
    public bool Misled { get; init; }

    public List<int> InputPorts { get; } = [];

    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            int owner = Misled ? 1 - instance : packet.Data[0];
            if (owner != instance)
            {
                emit.ToInstance(owner, packet);
                continue;
            }
            InputPorts.Add(packet.InputPort);
            emit.To(1, packet);
        }
    }
}

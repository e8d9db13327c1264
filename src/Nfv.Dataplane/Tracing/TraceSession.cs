using System.Threading.Channels;

namespace Nfv.Dataplane.Tracing;

/// <summary>
/// One <c>nfv trace</c>: follow the next <see cref="Count"/> received frames that match <see cref="Filter"/>.
/// Armed on the worker thread (<see cref="Graph.PacketGraph.ArmTrace"/>); each finished trace is written to
/// <see cref="Traces"/>, which completes when the count is reached or the session is disarmed.
/// </summary>
public sealed class TraceSession
{
    private readonly Channel<PacketTrace> _traces = Channel.CreateUnbounded<PacketTrace>(new UnboundedChannelOptions { SingleWriter = true });
    private int _started;
    private int _finished;

    /// <summary>Creates a session for <paramref name="count"/> frames matching <paramref name="filter"/>.</summary>
    /// <param name="count">How many frames to trace, at least 1.</param>
    /// <param name="filter">Which frames; null for all.</param>
    /// <param name="ingressPort">The index of the external port named by the filter's <c>in PORT</c>, or -1.</param>
    /// <param name="clock">Stamps each traced frame's arrival; null for <see cref="TimeProvider.System"/>.</param>
    public TraceSession(int count, TraceFilter? filter = null, int ingressPort = -1, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        Filter = filter ?? TraceFilter.All;
        IngressPort = ingressPort;
        Clock = clock ?? TimeProvider.System;
    }

    /// <summary>The clock traces are stamped with.</summary>
    public TimeProvider Clock { get; }

    /// <summary>How many frames the session traces.</summary>
    public int Count { get; }

    /// <summary>Which frames it traces.</summary>
    public TraceFilter Filter { get; }

    /// <summary>
    /// Only frames received on this external port (by index); -1 for any. The index follows the port when
    /// <c>nfv apply</c> gives it another (<see cref="Graph.PacketGraph.CarryOver"/>).
    /// </summary>
    public int IngressPort { get; internal set; }

    /// <summary>Finished traces, in the order the frames were received; completes when the session ends.</summary>
    public ChannelReader<PacketTrace> Traces => _traces.Reader;

    /// <summary>Frames the session started tracing so far. Worker thread.</summary>
    internal int Started => Math.Min(Volatile.Read(ref _started), Count);

    internal bool Wants(int port, ReadOnlySpan<byte> frame) =>
        Volatile.Read(ref _started) < Count && (IngressPort < 0 || IngressPort == port) && Filter.Matches(frame);

    // Workers start traces concurrently (each runs its own ports): the count is taken atomically, and a worker that
    // finds it taken whole traces nothing more.
    internal bool TryStart(out int number)
    {
        number = Interlocked.Increment(ref _started);
        return number <= Count;
    }

    internal bool IsFull => Volatile.Read(ref _started) >= Count;

    // The session ends with its last trace, on whichever worker finishes it.
    internal void Finished(PacketTrace trace)
    {
        _traces.Writer.TryWrite(trace);
        if (Interlocked.Increment(ref _finished) >= Count)
        {
            End();
        }
    }

    internal void End() => _traces.Writer.TryComplete();
}

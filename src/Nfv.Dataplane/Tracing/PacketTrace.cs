namespace Nfv.Dataplane.Tracing;

/// <summary>The path of one received frame (and every copy made of it) through the graph, for <c>nfv trace</c>.</summary>
public sealed class PacketTrace
{
    /// <summary>The most steps one trace records; a broadcast storm in a looped lab records this many and counts the rest.</summary>
    public const int MaxSteps = 256;

    private readonly List<PacketTraceStep> _steps = [];
    private readonly Lock _adding = new(); // the frame's copies may be on several workers at once
    private int _holders = 1; // the workers whose pass has this frame or a copy of it: finished when the last ends

    internal PacketTrace(TraceSession session, int number, DateTimeOffset time, string port, int length, string summary)
    {
        Session = session;
        Number = number;
        Time = time;
        Port = port;
        Length = length;
        Summary = summary;
    }

    /// <summary>The session the trace belongs to.</summary>
    internal TraceSession Session { get; }

    /// <summary>1 for the first packet of its trace session, 2 for the next...</summary>
    public int Number { get; }

    /// <summary>When the frame was received.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The external port it arrived on.</summary>
    public string Port { get; }

    /// <summary>The frame's length as received.</summary>
    public int Length { get; }

    /// <summary>A one-line dissection of the frame as received (addresses, protocol).</summary>
    public string Summary { get; }

    /// <summary>The steps, in the order they happened.</summary>
    public IReadOnlyList<PacketTraceStep> Steps => _steps;

    /// <summary>Steps not recorded because the trace already had <see cref="MaxSteps"/>.</summary>
    public int Truncated { get; private set; }

    internal void Add(in PacketTraceStep step)
    {
        lock (_adding)
        {
            if (_steps.Count < MaxSteps)
            {
                _steps.Add(step);
            }
            else
            {
                Truncated++;
            }
        }
    }

    /// <summary>A copy of the frame was handed to another worker, whose pass now holds the trace open too.</summary>
    internal void Hold() => Interlocked.Increment(ref _holders);

    /// <summary>A worker's pass ended; the last to end gives the trace to its session.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
        {
            Session.Finished(this);
        }
    }
}

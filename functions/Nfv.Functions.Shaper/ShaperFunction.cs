using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;

namespace Nfv.Functions.Shaper;

/// <summary>
/// The running shaper: each shaped direction has a token bucket and a queue. A frame leaves at once when nothing is
/// queued and the bucket holds tokens; otherwise it waits in the queue (<see cref="Emitter.Hold"/>), and the timer the
/// shaper asks for (<see cref="Emitter.WakeAt"/>) releases the queue at the rate. A full queue drops the newcomer.
/// </summary>
/// <remarks>
/// A frame takes its wire length from the <see cref="TokenBucket"/> (a TSO super-frame: every segment's headers), as the
/// policer's does. Run by one worker thread: plain fields; the queues are rings allocated once.
/// </remarks>
public sealed class ShaperFunction : INetworkFunction, IInspectableFunction, IDisposable
{
    private readonly Lane[] _lanes = new Lane[2]; // by input port: from inside (0), from outside (1); null when not shaped
    private readonly TimeProvider _time;
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <summary>Creates a shaper with <paramref name="options"/>, reading the time from <paramref name="time"/>.</summary>
    public ShaperFunction(ShaperOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Options = options;
        _time = time;
        long now = time.GetTimestamp();
        var bucket = new TokenBucket(options.BitsPerSecond, options.BurstBytes, time.TimestampFrequency, now);
        if (options.Direction != ShaperDirection.Inbound)
        {
            _lanes[InlineBlueprint.Inside] = new Lane(options.QueuePackets, bucket);
        }
        if (options.Direction != ShaperDirection.Outbound)
        {
            _lanes[InlineBlueprint.Outside] = new Lane(options.QueuePackets, bucket);
        }
    }

    /// <summary>The configuration.</summary>
    public ShaperOptions Options { get; }

    /// <summary>What the shaper counts besides its drops; readable from any thread.</summary>
    public EventCounters<ShaperEvent> Counters { get; } = new();

    /// <summary>Packets queued from <paramref name="input"/> (0 inside, 1 outside) now.</summary>
    public int Queued(int input) => _lanes[input] is { } lane ? Volatile.Read(ref lane.Count) : 0;

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            int input = packet.InputPort;
            if ((uint)input > InlineBlueprint.Outside)
            {
                emit.Drop(packet, ShaperDrop.UnknownInputPort);
                continue;
            }
            if (_lanes[input] is not { } lane)
            {
                Counters.Increment(ShaperEvent.Unshaped);
                emit.To(input ^ 1, packet);
                continue;
            }
            if (lane.Count == 0 && lane.Bucket.TryTake(WireLength(packet), now))
            {
                Counters.Increment(ShaperEvent.Passed);
                emit.To(input ^ 1, packet);
                continue;
            }
            if (lane.Count == lane.Queue.Length)
            {
                lane.Dropped++;
                emit.Drop(packet, ShaperDrop.QueueFull);
                continue;
            }
            lane.Queue[(lane.Head + lane.Count) % lane.Queue.Length] = packet;
            lane.Count++;
            emit.Hold(packet);
            if (lane.Count == 1)
            {
                emit.WakeAt(now + lane.Bucket.TicksUntilTokens);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Releases each queue for as long as its bucket holds tokens, and asks to be woken when the next may go.</remarks>
    public void OnTimer(Emitter emit)
    {
        long now = _time.GetTimestamp();
        for (int input = 0; input < 2; input++)
        {
            if (_lanes[input] is not { Count: > 0 } lane)
            {
                continue;
            }
            while (lane.Count > 0 && lane.Bucket.TryTake(WireLength(lane.Queue[lane.Head]), now))
            {
                var packet = lane.Queue[lane.Head];
                lane.Queue[lane.Head] = null!;
                lane.Head = (lane.Head + 1) % lane.Queue.Length;
                lane.Count--;
                Counters.Increment(ShaperEvent.Delayed);
                emit.To(input ^ 1, packet);
            }
            if (lane.Count > 0)
            {
                emit.WakeAt(now + lane.Bucket.TicksUntilTokens);
            }
        }
    }

    private static int WireLength(Packet packet)
    {
        var frame = packet.Data;
        return packet.Offload.IsGso && Ipv4Fields.Read(frame, out var fields) == Ipv4FieldsResult.Ipv4
            ? Ipv4Fields.WireLength(frame, packet.Offload, fields)
            : frame.Length;
    }

    /// <inheritdoc/>
    /// <remarks><c>shaper</c>: each shaped direction with its rate, queue now and at most, and what it dropped.</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("shaper", ["direction", "rate_bps", "burst_bytes", "queued", "queue_limit", "dropped"], 2,
            () => _lanes.Count(l => l is not null), Rows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();

    private IEnumerable<IReadOnlyList<string>> Rows()
    {
        for (int input = 0; input < 2; input++)
        {
            if (_lanes[input] is { } lane)
            {
                yield return
                [
                    input == InlineBlueprint.Inside ? "outbound" : "inbound", Options.BitsPerSecond.ToString(CultureInfo.InvariantCulture),
                    Options.BurstBytes.ToString(CultureInfo.InvariantCulture), lane.Count.ToString(CultureInfo.InvariantCulture),
                    lane.Queue.Length.ToString(CultureInfo.InvariantCulture), lane.Dropped.ToString(CultureInfo.InvariantCulture),
                ];
            }
        }
    }

    /// <summary>
    /// Gives the queued packets back to their pool: the function is removed or replaced (<c>nfv apply</c>) or nfv stops.
    /// Called on the thread that runs it, once nothing else will.
    /// </summary>
    public void Dispose()
    {
        foreach (var lane in _lanes)
        {
            for (; lane is { Count: > 0 }; lane.Count--)
            {
                lane.Queue[lane.Head].Release();
                lane.Queue[lane.Head] = null!;
                lane.Head = (lane.Head + 1) % lane.Queue.Length;
            }
        }
    }

    /// <summary>One shaped direction: its bucket and its queue, a ring.</summary>
    private sealed class Lane(int queue, TokenBucket bucket)
    {
        public readonly Packet[] Queue = new Packet[queue];
        public TokenBucket Bucket = bucket;
        public int Head;
        public int Count;
        public long Dropped;
    }
}

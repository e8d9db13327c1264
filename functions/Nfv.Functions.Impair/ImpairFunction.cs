using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;

namespace Nfv.Functions.Impair;

/// <summary>
/// The running impairment: for each direction, the loss model, corruption, duplication, and a delay line, a binary heap
/// of held packets by departure time (<see cref="Emitter.Hold"/>), released by the timer it asks for
/// (<see cref="Emitter.WakeAt"/>). Jitter can reorder packets, as netem's does; a rate makes packets leave one after
/// another, each taking its wire time.
/// </summary>
/// <remarks>
/// Run by one worker thread: plain fields, the heaps allocated once at the queue's size; nothing allocated per packet
/// (a duplicate is a packet from the pool). The random generator is seeded from <see cref="ImpairOptions.Seed"/> when
/// given, so a replay repeats itself.
/// </remarks>
public sealed class ImpairFunction : INetworkFunction, IInspectableFunction, IReconfigurableFunction, IDisposable
{
    private readonly Lane[] _lanes = new Lane[2]; // by input port: from inside (0), from outside (1)
    private readonly TimeProvider _time;
    private readonly long _frequency;
    private Xoshiro _random;
    private long _sequence;
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <summary>Creates an impairment with <paramref name="options"/>, reading the time from <paramref name="time"/>.</summary>
    public ImpairFunction(ImpairOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Options = options;
        _time = time;
        _frequency = time.TimestampFrequency;
        _random = options.Seed is { } seed ? new Xoshiro(seed) : new Xoshiro();
        _lanes[InlineBlueprint.Inside] = new Lane(options.Outbound, options.QueuePackets);
        _lanes[InlineBlueprint.Outside] = new Lane(options.Inbound, options.QueuePackets);
    }

    /// <summary>The configuration in use.</summary>
    public ImpairOptions Options { get; private set; }

    /// <summary>What the impairment counts besides its drops; readable from any thread.</summary>
    public EventCounters<ImpairEvent> Counters { get; } = new();

    /// <summary>Packets held from <paramref name="input"/> (0 inside, 1 outside) now.</summary>
    public int Held(int input) => Volatile.Read(ref _lanes[input].Count);

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            int input = packet.InputPort;
            if ((uint)input > InlineBlueprint.Outside)
            {
                emit.Drop(packet, ImpairDrop.UnknownInputPort);
                continue;
            }
            var lane = _lanes[input];
            var settings = lane.Settings;
            if (lane.PassesAll)
            {
                Counters.Increment(ImpairEvent.Passed);
                emit.To(input ^ 1, packet);
                continue;
            }
            if (settings.Loss is { } loss && IsLost(lane, loss))
            {
                emit.Drop(packet, ImpairDrop.Loss);
                continue;
            }
            if (settings.Duplicate > 0 && _random.NextDouble() < settings.Duplicate && emit.Allocate() is { } copy)
            {
                copy.CopyFrom(packet);
                copy.InputPort = input;
                Counters.Increment(ImpairEvent.Duplicated);
                Schedule(lane, input, copy, now, emit);
            }
            if (settings.Corrupt > 0 && _random.NextDouble() < settings.Corrupt && Corrupt(packet))
            {
                Counters.Increment(ImpairEvent.Corrupted);
            }
            Schedule(lane, input, packet, now, emit);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Sends every held packet whose time has come, in time order, and asks to be woken for the next.</remarks>
    public void OnTimer(Emitter emit)
    {
        long now = _time.GetTimestamp();
        for (int input = 0; input < 2; input++)
        {
            var lane = _lanes[input];
            while (lane.Count > 0 && lane.Times[0] <= now)
            {
                var packet = lane.Pop();
                Counters.Increment(ImpairEvent.Delayed);
                emit.To(input ^ 1, packet);
            }
            if (lane.Count > 0)
            {
                emit.WakeAt(lane.Times[0]);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// What each direction does changes for the packets that come next; those already on the delay line leave when they
    /// were due. A smaller <c>queue</c> applies once the line has room; a new <c>seed</c> restarts the random sequence.
    /// </remarks>
    public bool Reconfigure(ConfigMapping config, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (ImpairFunctionFactory.ReadOptions(config, diagnostics, "the new settings") is not { } options)
        {
            return false;
        }
        _lanes[InlineBlueprint.Inside].Adopt(options.Outbound, options.QueuePackets);
        _lanes[InlineBlueprint.Outside].Adopt(options.Inbound, options.QueuePackets);
        if (options.Seed is { } seed && seed != Options.Seed)
        {
            _random = new Xoshiro(seed);
        }
        Options = options;
        return true;
    }

    /// <summary>
    /// Gives the packets on the delay lines back to their pool: the function is removed or replaced (<c>nfv apply</c>) or
    /// nfv stops. Called on the thread that runs it, once nothing else will.
    /// </summary>
    public void Dispose()
    {
        foreach (var lane in _lanes)
        {
            while (lane.Count > 0)
            {
                lane.Pop().Release();
            }
        }
    }

    // When the packet leaves: now if it overtakes (reordering), else after its delay; with a rate, not before the packet
    // ahead of it has left, plus its own time on the wire. Due now: sent; else held on the delay line.
    private void Schedule(Lane lane, int input, Packet packet, long now, Emitter emit)
    {
        var settings = lane.Settings;
        bool overtakes = settings.Reorder > 0 && _random.NextDouble() < settings.Reorder;
        long departure = overtakes ? now : now + DelayTicks(settings);
        if (settings.RateBitsPerSecond > 0)
        {
            if (lane.Count >= lane.Capacity)
            {
                emit.Drop(packet, ImpairDrop.QueueFull);
                return;
            }
            long wire = (long)((Int128)WireLength(packet) * 8 * _frequency / settings.RateBitsPerSecond);
            departure = Math.Max(departure, lane.LastDeparture) + wire;
            lane.LastDeparture = departure;
        }
        if (departure <= now)
        {
            Counters.Increment(overtakes ? ImpairEvent.Reordered : ImpairEvent.Passed);
            emit.To(input ^ 1, packet);
            return;
        }
        if (lane.Count >= lane.Capacity)
        {
            emit.Drop(packet, ImpairDrop.QueueFull);
            return;
        }
        if (overtakes)
        {
            Counters.Increment(ImpairEvent.Reordered);
        }
        emit.Hold(packet);
        if (lane.Push(departure, _sequence++, packet))
        {
            emit.WakeAt(departure);
        }
    }

    private bool IsLost(Lane lane, LossModel loss)
    {
        if (!loss.IsBursty)
        {
            return _random.NextDouble() < loss.Probability;
        }
        // Gilbert-Elliott: move between the states first, then lose with the state's probability.
        lane.Bad = lane.Bad ? _random.NextDouble() >= loss.ToGood : _random.NextDouble() < loss.ToBad;
        return _random.NextDouble() < (lane.Bad ? loss.BadLoss : loss.GoodLoss);
    }

    private long DelayTicks(Impairment settings)
    {
        double seconds = settings.Delay.TotalSeconds;
        double jitter = settings.Jitter.TotalSeconds;
        if (jitter > 0)
        {
            seconds += settings.Distribution switch
            {
                DelayDistribution.Normal => jitter * Gaussian(),
                // Pareto with shape 3 and scale 2/3 has mean 1: jitter × (X − 1) keeps the mean at the delay.
                DelayDistribution.Pareto => jitter * ((2.0 / 3.0 / Math.Pow(1 - _random.NextDouble(), 1.0 / 3)) - 1),
                _ => jitter * ((2 * _random.NextDouble()) - 1),
            };
        }
        return seconds <= 0 ? 0 : (long)(seconds * _frequency);
    }

    // Box-Muller: a standard normal variable from two uniform ones.
    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    // Flips one random bit after the Ethernet header; false for a frame with nothing after it.
    private bool Corrupt(Packet packet)
    {
        var frame = packet.Data;
        if (frame.Length <= 14)
        {
            return false;
        }
        int bit = _random.Next((frame.Length - 14) * 8);
        frame[14 + (bit >> 3)] ^= (byte)(1 << (bit & 7));
        return true;
    }

    private static int WireLength(Packet packet)
    {
        var frame = packet.Data;
        return packet.Offload.IsGso && Ipv4Fields.Read(frame, out var fields) == Ipv4FieldsResult.Ipv4
            ? Ipv4Fields.WireLength(frame, packet.Offload, fields)
            : frame.Length;
    }

    /// <inheritdoc/>
    /// <remarks><c>impair</c>: each direction with what it does, the packets held now and at most.</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("impair", ["direction", "impairment", "held", "queue_limit"], 2, () => 2, Rows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();

    private IEnumerable<IReadOnlyList<string>> Rows()
    {
        for (int input = 0; input < 2; input++)
        {
            var lane = _lanes[input];
            yield return
            [
                input == InlineBlueprint.Inside ? "outbound" : "inbound", ImpairFunctionFactory.Describe(lane.Settings),
                Volatile.Read(ref lane.Count).ToString(CultureInfo.InvariantCulture), lane.Capacity.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    /// <summary>One direction: its settings, loss state, and the delay line, a binary min-heap by (time, sequence).</summary>
    private sealed class Lane(Impairment settings, int capacity)
    {
        public long[] Times = new long[capacity];
        private long[] _order = new long[capacity];
        private Packet[] _packets = new Packet[capacity];
        public Impairment Settings = settings;
        public bool PassesAll = settings.IsNone; // read per packet: the record comparison is made once, when settings change
        public int Count;
        public long LastDeparture;
        public bool Bad;

        // Packets held at most: the queue's limit (the arrays may be larger, after a limit was lowered with packets held).
        public int Capacity { get; private set; } = capacity;

        // New settings for what comes next; the held packets stay where they are in the heap.
        public void Adopt(Impairment settings, int capacity)
        {
            Settings = settings;
            PassesAll = settings.IsNone;
            Bad = false;
            if (capacity > Times.Length)
            {
                Array.Resize(ref Times, capacity);
                Array.Resize(ref _order, capacity);
                Array.Resize(ref _packets, capacity);
            }
            Capacity = capacity;
        }

        // Adds a packet; true when it is now the first to leave.
        public bool Push(long time, long order, Packet packet)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Before(time, order, Times[parent], _order[parent]))
                {
                    break;
                }
                Move(parent, i);
                i = parent;
            }
            Set(i, time, order, packet);
            return i == 0;
        }

        public Packet Pop()
        {
            var first = _packets[0];
            int last = --Count;
            long time = Times[last], order = _order[last];
            var packet = _packets[last];
            _packets[last] = null!;
            int i = 0;
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= Count)
                {
                    break;
                }
                if (child + 1 < Count && Before(Times[child + 1], _order[child + 1], Times[child], _order[child]))
                {
                    child++;
                }
                if (!Before(Times[child], _order[child], time, order))
                {
                    break;
                }
                Move(child, i);
                i = child;
            }
            if (Count > 0)
            {
                Set(i, time, order, packet);
            }
            return first;
        }

        private static bool Before(long time, long order, long otherTime, long otherOrder) =>
            time < otherTime || (time == otherTime && order < otherOrder);

        private void Move(int from, int to) => Set(to, Times[from], _order[from], _packets[from]);

        private void Set(int i, long time, long order, Packet packet)
        {
            Times[i] = time;
            _order[i] = order;
            _packets[i] = packet;
        }
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Policer;

/// <summary>
/// The running policer: each IPv4 packet going a policed way falls in the first class it matches, and passes when its
/// class's token bucket has tokens left; over the rate it is dropped or re-marked. Everything else passes untouched.
/// </summary>
/// <remarks>
/// Each class and direction has a <see cref="TokenBucket"/>, charged with the frame's wire length. Run by one worker
/// thread: plain fields, nothing allocated per packet.
/// </remarks>
public sealed partial class PolicerFunction : INetworkFunction
{
    private readonly Ipv4Matcher[] _matchers;
    private readonly TokenBucket[] _buckets;   // class c's bucket for frames from inside at 2c, from outside at 2c+1
    private readonly long[] _counts;           // per class: conformed packets, bytes, exceeded packets, bytes
    private readonly bool[] _remark;
    private readonly byte[] _remarkDscp;
    private readonly bool _policeInside, _policeOutside;
    private readonly TimeProvider _time;

    /// <summary>Creates a policer with <paramref name="options"/>, reading the time from <paramref name="time"/>.</summary>
    public PolicerFunction(PolicerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Options = options;
        _time = time;
        var classes = options.Classes;
        _matchers = [.. classes.Select(c => new Ipv4Matcher(c.Match))];
        _remark = [.. classes.Select(c => c.Exceed == PolicerExceed.Remark)];
        _remarkDscp = [.. classes.Select(c => c.RemarkDscp)];
        _counts = new long[classes.Count * 4];
        _policeInside = options.Direction != PolicerDirection.Inbound;
        _policeOutside = options.Direction != PolicerDirection.Outbound;
        long now = time.GetTimestamp();
        _buckets = [.. classes.SelectMany(c => Enumerable.Repeat(new TokenBucket(c.BitsPerSecond, c.BurstBytes, time.TimestampFrequency, now), 2))];
    }

    /// <summary>The configuration.</summary>
    public PolicerOptions Options { get; }

    /// <summary>What the policer counts besides its drops; readable from any thread.</summary>
    public EventCounters<PolicerEvent> Counters { get; } = new();

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        long now = _time.GetTimestamp();
        foreach (var packet in batch.AsSpan())
        {
            Handle(packet, emit, now);
        }
    }

    private void Handle(Packet packet, Emitter emit, long now)
    {
        int input = packet.InputPort;
        if ((uint)input > InlineBlueprint.Outside)
        {
            emit.Drop(packet, PolicerDrop.UnknownInputPort);
            return;
        }
        int output = input ^ 1;
        bool policed = input == InlineBlueprint.Inside ? _policeInside : _policeOutside;
        var frame = packet.Data;
        Ipv4Fields fields = default;
        var result = policed ? Ipv4Fields.Read(frame, out fields) : Ipv4FieldsResult.NotIpv4;
        if (result == Ipv4FieldsResult.Malformed)
        {
            emit.Drop(packet, PolicerDrop.Malformed);
            return;
        }
        int c = result == Ipv4FieldsResult.Ipv4 ? Ipv4Matcher.First(_matchers, fields) : -1;
        if (c < 0)
        {
            Counters.Increment(PolicerEvent.Unpoliced);
            emit.To(output, packet);
            return;
        }
        int bytes = Ipv4Fields.WireLength(frame, packet.Offload, fields);
        if (_buckets[(2 * c) + input].TryTake(bytes, now))
        {
            _counts[4 * c]++;
            _counts[(4 * c) + 1] += bytes;
            Counters.Increment(PolicerEvent.Conformed);
            emit.To(output, packet);
            return;
        }
        _counts[(4 * c) + 2]++;
        _counts[(4 * c) + 3] += bytes;
        if (_remark[c])
        {
            var ip = packet.Data[fields.IpOffset..];
            ip[1] = (byte)((_remarkDscp[c] << 2) | (ip[1] & 0x03)); // ECN kept
            Ipv4Header.UpdateChecksum(ip);
            Counters.Increment(PolicerEvent.Remarked);
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"class {Options.Classes[c].Name} over its rate: DSCP re-marked {_remarkDscp[c]}");
            }
            emit.To(output, packet);
            return;
        }
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"class {Options.Classes[c].Name} over its rate: dropped");
        }
        Exceeded(packet, emit);
    }

    // Drops are the exception and not inlined into the conforming path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Exceeded(Packet packet, Emitter emit) => emit.Drop(packet, PolicerDrop.Exceeded);
}

// What `nfv show policer`, the management API and the metrics see of a policer.
public sealed partial class PolicerFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <inheritdoc/>
    /// <remarks><c>policer</c>: each class in order with its match, rate, burst and what it let through and stopped.</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("policer",
            ["class", "match", "rate_bps", "burst_bytes", "exceed", "conformed_packets", "conformed_bytes", "exceeded_packets", "exceeded_bytes"],
            Options.Classes.Count, () => Options.Classes.Count, ClassRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();

    /// <summary>Class <paramref name="c"/>'s conformed and exceeded packets and bytes.</summary>
    public (long ConformedPackets, long ConformedBytes, long ExceededPackets, long ExceededBytes) ClassCounters(int c) =>
        (Volatile.Read(ref _counts[4 * c]), Volatile.Read(ref _counts[(4 * c) + 1]), Volatile.Read(ref _counts[(4 * c) + 2]), Volatile.Read(ref _counts[(4 * c) + 3]));

    private IEnumerable<IReadOnlyList<string>> ClassRows()
    {
        for (int c = 0; c < Options.Classes.Count; c++)
        {
            var policy = Options.Classes[c];
            var (conformed, conformedBytes, exceeded, exceededBytes) = ClassCounters(c);
            yield return
            [
                policy.Name, policy.Match.ToString(), policy.BitsPerSecond.ToString(CultureInfo.InvariantCulture),
                policy.BurstBytes.ToString(CultureInfo.InvariantCulture), policy.Exceed == PolicerExceed.Drop ? "drop" : $"remark dscp {policy.RemarkDscp}",
                conformed.ToString(CultureInfo.InvariantCulture), conformedBytes.ToString(CultureInfo.InvariantCulture),
                exceeded.ToString(CultureInfo.InvariantCulture), exceededBytes.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}

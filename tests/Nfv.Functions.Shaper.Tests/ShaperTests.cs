using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Testing;

namespace Nfv.Functions.Shaper.Tests;

/// <summary>A queue per direction released at the rate: a burst leaves spread out, and only an overfull queue drops.</summary>
public class ShaperTests
{
    private const int Inside = 0, Outside = 1;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingEmitter _emit = new(new PacketPool(512));

    private ShaperFunction Build(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new ShaperFunctionFactory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (ShaperFunction)blueprint.Build(new FunctionBuildContext("shape", [true, true], _time, NullLoggerFactory.Instance));
    }

    private static byte[] Frame(int length = 1000) =>
        IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 17, IpPackets.Udp(40000, 5201, length - 14 - 28));

    // Offers count frames in one batch from inside.
    private void Offer(ShaperFunction shaper, int count, int port = Inside)
    {
        _emit.Process(shaper, [.. Enumerable.Range(0, count).Select(_ => _emit.Rent(Frame(), port))]);
    }

    // Runs the timer at each time the shaper asks for until its queue is empty; returns when each frame left.
    private List<TimeSpan> Drain(ShaperFunction shaper, DateTimeOffset start)
    {
        var left = new List<TimeSpan>();
        for (int rounds = 0; rounds < 10_000 && _emit.WakeRequests.Count > 0; rounds++)
        {
            long wake = _emit.WakeRequests.Min();
            _emit.WakeRequests.Clear();
            _time.SetUtcNow(start + TimeSpan.FromTicks((wake - start.UtcTicks) * TimeSpan.TicksPerSecond / _time.TimestampFrequency));
            int before = _emit.Sent.Count;
            shaper.OnTimer(_emit);
            left.AddRange(Enumerable.Repeat(_time.GetUtcNow() - start, _emit.Sent.Count - before));
        }
        return left;
    }

    [Fact]
    public void A_removed_shaper_gives_its_queued_packets_back_to_the_pool()
    {
        var shaper = Build("shape: { kind: shaper, rate: 1mbit, burst: 2000b, queue: 200 }");
        int free = _emit.Pool.Available;
        Offer(shaper, 100);
        Offer(shaper, 10, Outside);
        Assert.Equal(free - 106, _emit.Pool.Available); // 2 left each way, the rest queued

        shaper.Dispose(); // nfv apply removed it, or nfv stops

        Assert.Equal(free, _emit.Pool.Available);
        Assert.Equal(0, shaper.Queued(Inside) + shaper.Queued(Outside));
    }

    [Fact]
    public void A_burst_leaves_at_the_rate_without_a_loss()
    {
        // 1 Mbit/s: a 1000-byte frame every 8 ms. A burst of 100 at once: the first two within the 2-frame burst, the
        // rest held and released one per 8 ms.
        var shaper = Build("shape: { kind: shaper, rate: 1mbit, burst: 2000b, queue: 200 }");
        var start = _time.GetUtcNow();
        Offer(shaper, 100);
        Assert.Equal(2, _emit.Sent.Count);
        Assert.Equal(98, _emit.Held);
        Assert.Equal(98, shaper.Queued(Inside));

        var left = Drain(shaper, start);
        Assert.Equal(98, left.Count);
        Assert.Equal(0, _emit.Held);
        Assert.Empty(_emit.Dropped);
        // The first held frame leaves as soon as the emptied bucket holds a token, each next one 8 ms later: the last at
        // 97 × 8 = 776 ms, never all at once.
        Assert.InRange(left[^1].TotalMilliseconds, 775, 777);
        var gaps = left.Zip(left.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.All(gaps, gap => Assert.InRange(gap, 0, 8.1));
        Assert.InRange(gaps.Average(), 7.9, 8.1);
        Assert.Equal(98, shaper.Counters[ShaperEvent.Delayed]);
    }

    [Fact]
    public void A_full_queue_drops_the_newcomers_and_keeps_the_rest()
    {
        var shaper = Build("shape: { kind: shaper, rate: 1mbit, burst: 1500b, queue: 10 }");
        Offer(shaper, 20);
        Assert.Equal(2, _emit.Sent.Count); // 1000 bytes from the full bucket, then 1000 more into debt
        Assert.Equal(10, _emit.Held);
        Assert.Equal(8, _emit.DropCount(ShaperDrop.QueueFull));
        Assert.Equal(10, Drain(shaper, _time.GetUtcNow()).Count);
    }

    [Fact]
    public void The_timer_asks_to_be_woken_when_the_next_frame_may_go()
    {
        var shaper = Build("shape: { kind: shaper, rate: 8mbit, burst: 1500b }");
        long now = _time.GetTimestamp();
        Offer(shaper, 3);
        var wake = Assert.Single(_emit.WakeRequests);
        // 1 MB/s: the bucket 500 bytes in debt after two frames refills in 0.5 ms.
        Assert.InRange((wake - now) * 1000.0 / _time.TimestampFrequency, 0.49, 0.51);
    }

    [Fact]
    public void The_way_not_shaped_passes_at_once()
    {
        var shaper = Build("shape: { kind: shaper, direction: outbound, rate: 8kbit, burst: 1500b }");
        Offer(shaper, 5, Outside);
        Assert.Equal(5, _emit.Sent.Count);
        Assert.Equal(5, shaper.Counters[ShaperEvent.Unshaped]);
    }

    [Fact]
    public void The_table_shows_each_shaped_direction()
    {
        var shaper = Build("shape: { kind: shaper, rate: 1mbit, queue: 10 }");
        Offer(shaper, 20);
        var rows = Assert.Single(shaper.Tables).Rows().Select(r => r.ToArray()).ToList();
        // 3028 bytes of burst let 4 frames of 1000 through (the fourth into debt), 10 wait, 6 are dropped.
        Assert.Equal(["outbound", "1000000", "3028", "10", "10", "6"], rows[0]);
        Assert.Equal(["inbound", "1000000", "3028", "0", "10", "0"], rows[1]);
    }

    [Theory]
    [InlineData("kind: shaper", "error NFV0101: shaper 'shape' needs 'rate'")]
    [InlineData("kind: shaper, rate: fast", "error NFV0210: 'rate' of shaper 'shape' is 'fast'")]
    [InlineData("kind: shaper, rate: 1mbit, queue: 0", "error NFV0202: 'queue' of shaper 'shape' (packets) must be a whole number from 1 to 65536")]
    [InlineData("kind: shaper, rate: 1mbit, direction: up", "error NFV1801: 'direction' of shaper 'shape' is 'up'")]
    public void A_bad_setting_is_refused_saying_why(string keys, string expected)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new ShaperFunctionFactory(), $"shape: {{ {keys} }}");
        Assert.Null(blueprint);
        Assert.Contains(expected, string.Join("\n", diagnostics.Items), StringComparison.Ordinal);
    }
}

using Nfv.Testing;

namespace Nfv.Functions.Shaper.Tests;

/// <summary>
/// The shaper in a topology replayed offline as <c>nfv replay</c> runs it: the replay's clock goes to each time the
/// shaper asked to be woken, so a burst in the capture comes out at the rate, and what is still queued when the
/// capture ends leaves at its time too.
/// </summary>
public class ReplayTests
{
    [Fact]
    public void A_burst_in_a_capture_comes_out_spread_at_the_rate()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var frame = IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 17, IpPackets.Udp(40000, 5201, 1000 - 14 - 28));
        var result = TopologyReplay.Run("""
            functions:
              shape: { kind: shaper, direction: outbound, rate: 1mbit, burst: 2000b }
            ports:
              p1: { tap: shr-p1 }
              p2: { tap: shr-p2 }
            links:
              - [p1, shape.inside]
              - [shape.outside, p2]
            """,
            new Dictionary<string, IReadOnlyList<PcapRecord>> { ["p1"] = [.. Enumerable.Repeat(new PcapRecord(t0, frame), 20)] },
            Runtime.FunctionDiscovery.Catalog([typeof(ShaperFunction).Assembly]));

        var times = result.Out["p2"].Select(r => (r.Time - t0).TotalMilliseconds).ToList();
        Assert.Equal(20, times.Count);
        Assert.Equal([0, 0], times.Take(2)); // the burst
        // Then one 1000-byte frame every 8 ms at 1 Mbit/s (to the replay clock's tick).
        var gaps = times.Skip(2).Zip(times.Skip(3), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.InRange(gap, 7.99, 8.01));
        Assert.InRange(times[^1], 17 * 8 - 0.1, 17 * 8 + 0.1);
    }
}

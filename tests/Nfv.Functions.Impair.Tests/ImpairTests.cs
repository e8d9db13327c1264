using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Testing;

namespace Nfv.Functions.Impair.Tests;

/// <summary>
/// An imperfect wire in memory, on a fake clock: each setting does what netem's does, measured over thousands of packets
/// (seeded, so the figures repeat), and a direction without settings passes packets untouched.
/// </summary>
public class ImpairTests
{
    private const int Inside = 0, Outside = 1;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingEmitter _emit = new(new PacketPool(4096));

    private ImpairFunction Build(string settings)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new ImpairFunctionFactory(), $"imp: {{ kind: impair, seed: 7, {settings} }}");
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (ImpairFunction)blueprint.Build(new FunctionBuildContext("imp", [true, true], _time, NullLoggerFactory.Instance));
    }

    // A 1000-byte UDP frame whose source port is its number.
    private static byte[] Frame(int number) =>
        IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 17, IpPackets.Udp((ushort)number, 5201, 1000 - 14 - 28));

    private static int Number(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(34));

    // Sends `count` frames from `port`, one every `gap`, running the timers the function asks for on the way; then drains
    // it. Returns each frame sent out (its number) with the time it left, relative to when it was offered.
    private List<(int Number, TimeSpan Delay)> Run(ImpairFunction impair, int count, TimeSpan gap, int port = Inside)
    {
        var start = _time.GetUtcNow();
        var offered = new Dictionary<int, DateTimeOffset>();
        var result = new List<(int, TimeSpan)>();
        void Collect()
        {
            foreach (var sent in _emit.Sent)
            {
                result.Add((Number(sent.Frame), _time.GetUtcNow() - offered[Number(sent.Frame)]));
            }
            _emit.Sent.Clear();
            _emit.Dropped.Clear();
        }
        void RunTimersUntil(DateTimeOffset until)
        {
            while (_emit.WakeRequests.Count > 0 && new DateTimeOffset(_emit.WakeRequests.Min(), TimeSpan.Zero) <= until)
            {
                var wake = new DateTimeOffset(_emit.WakeRequests.Min(), TimeSpan.Zero);
                _emit.WakeRequests.Clear();
                if (wake > _time.GetUtcNow())
                {
                    _time.SetUtcNow(wake);
                }
                impair.OnTimer(_emit);
                Collect();
            }
        }
        for (int i = 0; i < count; i++)
        {
            RunTimersUntil(start + (gap * i));
            if (start + (gap * i) > _time.GetUtcNow())
            {
                _time.SetUtcNow(start + (gap * i));
            }
            offered[i] = _time.GetUtcNow();
            _emit.Process(impair, [_emit.Rent(Frame(i), port)]);
            Collect();
        }
        RunTimersUntil(DateTimeOffset.MaxValue);
        return result;
    }

    [Fact]
    public void A_delay_holds_every_packet_that_long_and_keeps_their_order()
    {
        var impair = Build("delay: 20ms");
        var sent = Run(impair, 100, TimeSpan.FromMilliseconds(1));

        Assert.Equal(Enumerable.Range(0, 100), sent.Select(s => s.Number));
        Assert.All(sent, s => Assert.Equal(TimeSpan.FromMilliseconds(20), s.Delay));
        Assert.Equal(100, impair.Counters[ImpairEvent.Delayed]);
        Assert.Equal(0, impair.Held(Inside));
    }

    [Theory]
    [InlineData("uniform", 20, 2.89)]
    [InlineData("normal", 20, 5)]
    public void Jitter_spreads_the_delay_around_its_mean(string distribution, double mean, double deviation)
    {
        var impair = Build($"delay: 20ms, jitter: 5ms, distribution: {distribution}");
        var delays = Run(impair, 4000, TimeSpan.FromMilliseconds(1)).Select(s => s.Delay.TotalMilliseconds).ToList();

        Assert.Equal(4000, delays.Count);
        Assert.InRange(delays.Average(), mean - 0.3, mean + 0.3);
        Assert.InRange(StandardDeviation(delays), deviation * 0.9, deviation * 1.1);
        if (distribution == "uniform")
        {
            Assert.InRange(delays.Min(), 15, 25);
            Assert.InRange(delays.Max(), 15, 25);
        }
    }

    [Fact]
    public void Pareto_jitter_keeps_the_mean_with_a_long_tail_of_late_packets()
    {
        var impair = Build("delay: 20ms, jitter: 5ms, distribution: pareto");
        var delays = Run(impair, 4000, TimeSpan.FromMilliseconds(1)).Select(s => s.Delay.TotalMilliseconds).ToList();

        Assert.InRange(delays.Average(), 19, 21);
        Assert.True(delays.Max() > 35, $"a heavy tail reaches far: the latest took {delays.Max()} ms");
        Assert.True(delays.Count(d => d < 20) > delays.Count / 2, "most packets come early, a few very late");
    }

    [Fact]
    public void Random_loss_drops_its_share()
    {
        var impair = Build("loss: 10%");
        var sent = Run(impair, 20_000, TimeSpan.Zero);

        double lost = 1 - (sent.Count / 20_000.0);
        Assert.InRange(lost, 0.09, 0.11);
        Assert.Equal(sent.Select(s => s.Number).Order(), sent.Select(s => s.Number));
    }

    [Fact]
    public void Gilbert_elliott_loss_comes_in_bursts()
    {
        // Into the bad state 1% of packets, out of it 25%: bad a quarter... of 1/26 of the time, every packet lost there.
        var impair = Build("loss: { to-bad: 1%, to-good: 25% }");
        var numbers = Run(impair, 50_000, TimeSpan.Zero).Select(s => s.Number).ToHashSet();

        var losses = Enumerable.Range(0, 50_000).Select(i => !numbers.Contains(i)).ToArray();
        double rate = losses.Count(l => l) / 50_000.0;
        Assert.InRange(rate, 0.03, 0.048); // 1 / 26 = 3.8%
        int bursts = losses.Where((lost, i) => lost && (i == 0 || !losses[i - 1])).Count();
        double meanBurst = losses.Count(l => l) / (double)bursts;
        Assert.InRange(meanBurst, 3.3, 4.8); // 1 / 25% = 4 packets a burst, where random loss would give about 1
    }

    [Fact]
    public void Duplication_sends_its_share_twice()
    {
        var impair = Build("duplicate: 50%");
        var sent = Run(impair, 10_000, TimeSpan.Zero);

        Assert.InRange(sent.Count, 14_700, 15_300);
        Assert.Equal(sent.Count - 10_000, impair.Counters[ImpairEvent.Duplicated]);
        Assert.All(sent.GroupBy(s => s.Number), g => Assert.InRange(g.Count(), 1, 2));
    }

    [Fact]
    public void Reordered_packets_overtake_the_delayed_ones()
    {
        var impair = Build("delay: 10ms, reorder: 25%");
        var sent = Run(impair, 4000, TimeSpan.FromMilliseconds(1));

        Assert.Equal(4000, sent.Count);
        double early = sent.Count(s => s.Delay == TimeSpan.Zero) / 4000.0;
        Assert.InRange(early, 0.22, 0.28);
        int outOfOrder = sent.Where((s, i) => i > 0 && s.Number < sent[i - 1].Number).Count();
        Assert.True(outOfOrder > 800, $"{outOfOrder} packets arrived after a later one");
        Assert.Equal((long)(early * 4000), impair.Counters[ImpairEvent.Reordered]);
    }

    [Fact]
    public void Corruption_flips_exactly_one_bit_after_the_ethernet_header()
    {
        var impair = Build("corrupt: 100%");
        for (int i = 0; i < 200; i++)
        {
            _emit.Process(impair, [_emit.Rent(Frame(i), Inside)]);
            var sent = _emit.SentTo(Outside);
            var original = Frame(i);
            int flipped = 0;
            for (int b = 0; b < original.Length; b++)
            {
                flipped += System.Numerics.BitOperations.PopCount((uint)(original[b] ^ sent[b]));
                Assert.True(b >= 14 || original[b] == sent[b], "the Ethernet header is left alone");
            }
            Assert.Equal(1, flipped);
            _emit.Clear();
        }
        Assert.Equal(200, impair.Counters[ImpairEvent.Corrupted]);
    }

    [Fact]
    public void A_rate_sends_packets_one_wire_time_apart_and_a_full_queue_drops()
    {
        // 1 Mbit/s: a 1000-byte frame takes 8 ms. 100 offered at once into a queue of 50.
        var impair = Build("rate: 1mbit, queue: 50");
        var start = _time.GetUtcNow();
        _emit.Process(impair, [.. Enumerable.Range(0, 100).Select(i => _emit.Rent(Frame(i), Inside))]);
        Assert.Equal(50, _emit.Dropped.Count(d => d.Reason == (int)ImpairDrop.QueueFull));
        Assert.Equal(50, impair.Held(Inside));

        var times = new List<TimeSpan>();
        while (_emit.WakeRequests.Count > 0)
        {
            _time.SetUtcNow(new DateTimeOffset(_emit.WakeRequests.Min(), TimeSpan.Zero));
            _emit.WakeRequests.Clear();
            _emit.Sent.Clear();
            impair.OnTimer(_emit);
            times.AddRange(_emit.Sent.Select(_ => _time.GetUtcNow() - start));
        }
        Assert.Equal(Enumerable.Range(1, 50).Select(i => TimeSpan.FromMilliseconds(8 * i)), times);
    }

    [Fact]
    public void Each_direction_has_its_own_settings()
    {
        var impair = Build("outbound: { delay: 20ms }");
        _emit.Process(impair, [_emit.Rent(Frame(1), Outside)]);
        Assert.Equal(1, Number(_emit.SentTo(Inside)));
        Assert.Equal(1, impair.Counters[ImpairEvent.Passed]);

        _emit.Clear();
        _emit.Process(impair, [_emit.Rent(Frame(2), Inside)]);
        Assert.Empty(_emit.Sent);
        Assert.Equal(1, impair.Held(Inside));
    }

    [Fact]
    public void A_seed_makes_a_run_repeat_itself()
    {
        var first = Run(Build("loss: 30%, delay: 5ms, jitter: 2ms"), 2000, TimeSpan.FromMilliseconds(1));
        var second = Run(Build("loss: 30%, delay: 5ms, jitter: 2ms"), 2000, TimeSpan.FromMilliseconds(1));

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_table_says_what_each_direction_does()
    {
        var impair = Build("delay: 20ms, jitter: 5ms, loss: 1%, inbound: { rate: 10mbit, loss: 0% }");
        var rows = impair.Tables.Single().Rows().ToList();

        Assert.Equal(["outbound", "delay 20ms jitter 5ms uniform, loss 1%", "0", "1000"], rows[0]);
        Assert.Equal(["inbound", "delay 20ms jitter 5ms uniform, rate 10000000 bit/s", "0", "1000"], rows[1]);
    }

    [Fact]
    public void A_removed_impairment_gives_its_held_packets_back_to_the_pool()
    {
        var impair = Build("delay: 20ms");
        int free = _emit.Pool.Available;
        _emit.Process(impair, [_emit.Rent(Frame(1), Inside), _emit.Rent(Frame(2), Outside)]);
        Assert.Equal(free - 2, _emit.Pool.Available);

        impair.Dispose(); // nfv apply removed it, or nfv stops

        Assert.Equal(free, _emit.Pool.Available);
        Assert.Equal(0, impair.Held(Inside) + impair.Held(Outside));
    }

    [Fact]
    public void New_settings_apply_to_what_comes_next_and_the_held_packets_keep_their_time()
    {
        var impair = Build("delay: 20ms");
        var start = _time.GetUtcNow();
        _emit.Process(impair, [_emit.Rent(Frame(1), Inside)]);

        var diagnostics = new Nfv.Abstractions.Configuration.DiagnosticBag();
        Assert.True(impair.Reconfigure(FunctionConfig.ParseFunction("imp: { kind: impair, delay: 5ms, loss: 0% }"), diagnostics), string.Join("\n", diagnostics.Items));
        _emit.Process(impair, [_emit.Rent(Frame(2), Inside)]);
        Assert.Equal(2, impair.Held(Inside));

        _time.SetUtcNow(start.AddMilliseconds(5));
        impair.OnTimer(_emit);
        Assert.Equal(2, Number(_emit.SentTo(Outside))); // the new 5 ms
        _emit.Clear();
        _time.SetUtcNow(start.AddMilliseconds(20));
        impair.OnTimer(_emit);
        Assert.Equal(1, Number(_emit.SentTo(Outside))); // the old 20 ms
        Assert.Equal("delay 5ms", ImpairFunctionFactory.Describe(impair.Options.Outbound));
    }

    [Fact]
    public void Bad_new_settings_are_refused_whole_and_the_old_ones_stay()
    {
        var impair = Build("delay: 20ms, loss: 1%");
        var diagnostics = new Nfv.Abstractions.Configuration.DiagnosticBag();

        Assert.False(impair.Reconfigure(FunctionConfig.ParseFunction("imp: { kind: impair, delay: 5ms, loss: 5 }"), diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Code == "NFV1902");
        Assert.Equal("delay 20ms, loss 1%", ImpairFunctionFactory.Describe(impair.Options.Outbound));
    }

    private static double StandardDeviation(List<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}

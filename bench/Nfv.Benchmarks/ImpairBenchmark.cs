using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Functions.Impair;

namespace Nfv.Benchmarks;

/// <summary>
/// The impairment's hot path in ns per packet: 60-byte UDP frames in batches of 32, 128 batches per invocation (4,096
/// packets), through <c>Process</c>, and for the delay line the timer calls that release what it held (the clock moves
/// only when told, so each case takes the path it names every time).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ImpairBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 128;
    private const int Packets = BatchSize * Batches;

    private readonly BenchEmitter _emit = new();
    private readonly SteppingTime _time = new();
    private ImpairFunction _none = null!;
    private ImpairFunction _lossy = null!;
    private ImpairFunction _delayed = null!;
    private ImpairFunction _rated = null!;
    private PacketBatch[] _batches = null!;

    /// <summary>Builds the impairments and the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ImpairFunction Make(Impairment outbound) => new(new ImpairOptions(outbound, Impairment.None, Packets, Seed: 1), _time);
        _none = Make(Impairment.None);
        _lossy = Make(new Impairment { Loss = new LossModel(0.1) });
        _delayed = Make(new Impairment { Delay = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(5), Distribution = DelayDistribution.Normal });
        _rated = Make(new Impairment { RateBitsPerSecond = 10_000_000 });
        _batches = BenchFrames.Batches(new PacketPool(Packets, 256), Batches, BatchSize,
            n => (BenchFrames.Udp(0x0A00_0000u | (uint)n, 0xC633_6407u, 40000, 53), 0));
        Check();
    }

    /// <summary>No impairment in this direction: counted and sent on.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void Passing() => Run(_none);

    /// <summary>10% random loss: a random draw per packet, one in ten dropped.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void RandomLoss() => Run(_lossy);

    /// <summary>20 ms with 5 ms of normal jitter: every packet held on the delay line (a heap push), then released in time order by the timer (a pop).</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void DelayedThenReleased() => HoldThenRelease(_delayed);

    /// <summary>10 Mbit/s: each packet's wire time added to the one ahead of it, held, then released by the timer.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void RateLimitedThenReleased() => HoldThenRelease(_rated);

    private void Run(ImpairFunction impair)
    {
        foreach (var batch in _batches)
        {
            impair.Process(batch, _emit);
        }
    }

    private void HoldThenRelease(ImpairFunction impair)
    {
        Run(impair);
        _time.Advance(TimeSpan.FromHours(1));
        impair.OnTimer(_emit);
    }

    // Runs each case once and checks it took the path it names.
    private void Check()
    {
        long sent = _emit.Sent, dropped = _emit.Dropped;
        Passing();
        RandomLoss();
        DelayedThenReleased();
        RateLimitedThenReleased();
        long lost = _emit.Dropped - dropped;
        if (_emit.Sent - sent + lost != 4 * Packets || lost is < Packets / 20 or > Packets / 5 ||
            _delayed.Counters[ImpairEvent.Delayed] != Packets || _rated.Counters[ImpairEvent.Delayed] != Packets || _delayed.Held(0) + _rated.Held(0) != 0)
        {
            throw new InvalidOperationException("An impairment case did not take the path it names.");
        }
    }
}

using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Functions.Shaper;

namespace Nfv.Benchmarks;

/// <summary>
/// The shaper's hot path in ns per packet: 60-byte UDP frames in batches of 32, 128 batches per invocation (4,096
/// packets), through <c>Process</c>, and for the held case the timer calls that release them.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ShaperBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 128;
    private const int Packets = BatchSize * Batches;

    private readonly BenchEmitter _emit = new();
    private readonly SteppingTime _time = new();
    private ShaperFunction _fast = null!;
    private ShaperFunction _slow = null!;
    private PacketBatch[] _batches = null!;

    /// <summary>Builds the shapers and the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fast = new ShaperFunction(new ShaperOptions(ShaperDirection.Outbound, 100_000_000_000, 64 * 1024, 1000), _time);
        // 1 Mbit/s, a queue as long as the invocation: every packet is held, then released by the timer as time moves.
        _slow = new ShaperFunction(new ShaperOptions(ShaperDirection.Outbound, 1_000_000, 1500, Packets), _time);
        _batches = BenchFrames.Batches(new PacketPool(Packets, 256), Batches, BatchSize,
            n => (BenchFrames.Udp(0x0A00_0000u | (uint)n, 0xC633_6407u, 40000, 53), 0));
        long sent = _emit.Sent;
        Passing();
        HeldThenReleased();
        if (_emit.Sent - sent != 2 * Packets || _fast.Counters[ShaperEvent.Passed] != Packets ||
            _slow.Counters[ShaperEvent.Passed] + _slow.Counters[ShaperEvent.Delayed] != Packets || _slow.Counters[ShaperEvent.Delayed] < Packets - 32)
        {
            throw new InvalidOperationException("A shaper case did not take the path it names.");
        }
    }

    /// <summary>Within the rate: the bucket refilled and taken from, sent at once (the clock moves 1 ms a batch).</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void Passing()
    {
        foreach (var batch in _batches)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            _fast.Process(batch, _emit);
        }
    }

    /// <summary>Over the rate: every packet held in the ring, then released by one timer call once the clock has moved.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void HeldThenReleased()
    {
        foreach (var batch in _batches)
        {
            _slow.Process(batch, _emit);
        }
        _time.Advance(TimeSpan.FromHours(1)); // enough for every held packet (the bucket's fill time is bounded)
        while (_slow.Queued(0) > 0)
        {
            _slow.OnTimer(_emit);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }
}

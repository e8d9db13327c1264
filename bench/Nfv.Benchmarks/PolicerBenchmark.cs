using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Functions.Policer;
using Nfv.Ip;

namespace Nfv.Benchmarks;

/// <summary>
/// The policer's hot path in ns per packet: 60-byte UDP frames in batches of 32, 128 batches per invocation, through
/// <c>Process</c> as the dataplane calls it. The rate is so high that every packet conforms, or so low that every
/// packet exceeds; classes are matched in order, the packet's in the last of ten when the case says so.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PolicerBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 128;
    private const int Packets = BatchSize * Batches;

    private readonly BenchEmitter _emit = new();
    private PolicerFunction _oneClass = null!;
    private PolicerFunction _tenthClass = null!;
    private PolicerFunction _exceeding = null!;
    private PolicerFunction _remarking = null!;
    private PacketBatch[] _batches = null!;

    /// <summary>Builds the policers and the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var span = new SourceSpan("bench", 1, 1);
        PolicerClass Class(string name, Ipv4Match match, long bits, PolicerExceed exceed = PolicerExceed.Drop) => new(name, match, bits, 64 * 1024, exceed, 0, span);
        PolicerFunction Make(params PolicerClass[] classes) => new(new PolicerOptions { Classes = classes }, TimeProvider.System);

        _oneClass = Make(Class("default", Ipv4Match.Any, 100_000_000_000));
        _tenthClass = Make([.. Enumerable.Range(0, 9).Select(i => Class($"c{i}", new Ipv4Match { Dscp = (byte)(10 + i) }, 1_000_000)), Class("default", Ipv4Match.Any, 100_000_000_000)]);
        _exceeding = Make(Class("default", Ipv4Match.Any, 8_000));
        _remarking = Make(Class("default", Ipv4Match.Any, 8_000, PolicerExceed.Remark));
        _batches = BenchFrames.Batches(new PacketPool(Packets, 256), Batches, BatchSize,
            n => (BenchFrames.Udp(0x0A00_0000u | (uint)n, 0xC633_6407u, (ushort)(40000 + (n % 1000)), 5201), 0));
        Check();
    }

    /// <summary>One class, every packet within the rate: read the fields, match, refill, take, count, send.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void Conforming() => Run(_oneClass);

    /// <summary>The packet's class is the tenth: nine matchers tried first.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void ConformingTenthClass() => Run(_tenthClass);

    /// <summary>Every packet over the rate: dropped.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void ExceedingDropped() => Run(_exceeding);

    /// <summary>Every packet over the rate: DSCP re-marked and the header checksum computed again, then sent.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void ExceedingRemarked() => Run(_remarking);

    private void Run(PolicerFunction policer)
    {
        foreach (var batch in _batches)
        {
            policer.Process(batch, _emit);
        }
    }

    // Runs each case once and checks it took the path it names.
    private void Check()
    {
        Run(_exceeding); // empties the low-rate buckets: from here on every packet exceeds
        Run(_remarking);
        foreach (var (policer, conformed) in new[] { (_oneClass, true), (_tenthClass, true), (_exceeding, false), (_remarking, false) })
        {
            long sent = _emit.Sent, dropped = _emit.Dropped;
            long before = policer.Counters[PolicerEvent.Conformed];
            Run(policer);
            bool allConformed = policer.Counters[PolicerEvent.Conformed] - before == Packets;
            bool allPassed = _emit.Sent - sent == Packets;
            if (allConformed != conformed || allPassed != (policer != _exceeding) || (_emit.Dropped - dropped == Packets) != (policer == _exceeding))
            {
                throw new InvalidOperationException("A policer case did not take the path it names.");
            }
        }
    }
}

using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Functions.Steer;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The steering function's hot path in ns per packet: 60-byte UDP frames in batches of 32, 128 batches per invocation,
/// two classes before the default (a DSCP and a TCP port, neither matching), one chain.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SteerBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 128;
    private const int Packets = BatchSize * Batches;

    private readonly BenchEmitter _emit = new();
    private SteerFunction _steer = null!;
    private PacketBatch[] _outbound = null!;
    private PacketBatch[] _inbound = null!;
    private PacketBatch[] _rejoining = null!;

    /// <summary>Builds the function and the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var span = new SourceSpan("bench", 1, 1);
        _steer = new SteerFunction(new SteerOptions(["policed"],
        [
            new SteerClass("voice", new Ipv4Match { Dscp = 46 }, -1, span),
            new SteerClass("web", new Ipv4Match { Protocol = Ipv4Header.ProtocolTcp, DestinationPorts = (443, 443) }, -1, span),
        ], Default: 0));
        var pool = new PacketPool(3 * Packets, 256);
        _outbound = BenchFrames.Batches(pool, Batches, BatchSize, n => (BenchFrames.Udp(0x0A00_0000u | (uint)n, 0xC633_6407u, 40000, 53), 0));
        _inbound = BenchFrames.Batches(pool, Batches, BatchSize, n => (BenchFrames.Udp(0xC633_6407u, 0x0A00_0000u | (uint)n, 53, 40000), 1));
        _rejoining = BenchFrames.Batches(pool, Batches, BatchSize, n => (BenchFrames.Udp(0x0A00_0000u | (uint)n, 0xC633_6407u, 40000, 53), 3));
        Check();
    }

    /// <summary>From inside: fields read, two classes tried, the default chain's start, counted.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void Outbound() => Run(_outbound);

    /// <summary>From outside: the same with the fields reversed first.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void InboundReversed() => Run(_inbound);

    /// <summary>Back from a chain's far end: sent on outside without a look at the packet.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public void Rejoining() => Run(_rejoining);

    private void Run(PacketBatch[] batches)
    {
        foreach (var batch in batches)
        {
            _steer.Process(batch, _emit);
        }
    }

    // Runs each case once and checks it took the path it names.
    private void Check()
    {
        Run(_outbound);
        Run(_inbound);
        Run(_rejoining);
        if (_emit.Sent != 3 * Packets || _steer.Counters[SteerEvent.Defaulted] != 2 * Packets || _steer.Counters[SteerEvent.Rejoined] != Packets ||
            _steer.ChainCounters(0) is not (Packets, _, Packets, _))
        {
            throw new InvalidOperationException("A steering case did not take the path it names.");
        }
    }
}

using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Functions.Firewall;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// The firewall's hot path in ns per packet: 60-byte UDP frames in batches of 32, 128 batches per invocation (4,096
/// packets, one per flow of 64 inside hosts × 64 ports), behind 100 rules whose last allows the flows.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class FirewallBenchmark
{
    private const int BatchSize = 32;
    private const int Flows = 4096;
    private const int Batches = Flows / BatchSize;
    private const int Rules = 100;

    private readonly BenchEmitter _emit = new();
    private readonly SteppingTime _time = new();
    private FirewallFunction _firewall = null!;
    private PacketBatch[] _outbound = null!;
    private PacketBatch[] _replies = null!;
    private PacketBatch[] _unsolicited = null!;

    /// <summary>Builds the rules, opens every flow, and prepares the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        // 99 rules that never match these flows (each a different source prefix), then the one that allows them.
        var span = new SourceSpan("bench", 1, 1);
        var rules = Enumerable.Range(0, Rules - 1)
            .Select(i => new FirewallRule(FirewallAction.Deny, FirewallSide.Any, new Ipv4Match { Source = new Ipv4Prefix(new Ipv4Address(0xAC10_0000u | (uint)i << 8), 24) }, span))
            .Append(new FirewallRule(FirewallAction.Allow, FirewallSide.Inside, new Ipv4Match { Protocol = 17 }, span))
            .ToList();
        _firewall = new FirewallFunction(new FirewallOptions { Rules = rules, MaxConnections = Flows * 2, UdpTimeout = TimeSpan.FromMinutes(2) }, _time);
        var pool = new PacketPool(3 * Flows, 256);
        var remote = 0xC633_6407u; // 198.51.100.7
        _outbound = BenchFrames.Batches(pool, Batches, BatchSize, i => (BenchFrames.Udp(Inside(i), remote, Port(i), 53), 0));
        _replies = BenchFrames.Batches(pool, Batches, BatchSize, i => (BenchFrames.Udp(remote, Inside(i), 53, Port(i)), 1));
        _unsolicited = BenchFrames.Batches(pool, Batches, BatchSize, i => (BenchFrames.Udp(remote, Inside(i), 40000, (ushort)(8000 + i)), 1));
        Check();

        static uint Inside(int i) => 0x0A00_0000u | (uint)(2 + (i / 64));
        static ushort Port(int i) => (ushort)(40000 + (i % 64));
    }

    /// <summary>A packet of an open connection, original direction: one lookup, the timer refreshed, the rule's counters.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public void EstablishedOutbound() => Run(_outbound);

    /// <summary>A reply: the same lookup, found by the reverse tuple.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public void EstablishedReply() => Run(_replies);

    /// <summary>A new connection from outside that no rule matches: a lookup that misses, 100 rules scanned, dropped.</summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public void DeniedAfter100Rules() => Run(_unsolicited);

    /// <summary>
    /// Churn: every flow has expired (the clock moved past the UDP timeout), so each packet finds its old connection
    /// expired and removes it, scans the 100 rules, and opens the connection again.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Flows)]
    public void NewConnectionAfter100Rules()
    {
        _time.Advance(TimeSpan.FromMinutes(3));
        Run(_outbound);
    }

    private void Run(PacketBatch[] batches)
    {
        foreach (var batch in batches)
        {
            _firewall.Process(batch, _emit);
        }
    }

    // Runs each case once and checks it took the path it names: a benchmark that measured a drop by mistake would
    // report a flattering figure.
    private void Check()
    {
        Run(_outbound);
        Expect(sent: Flows, dropped: 0, opened: Flows);
        EstablishedOutbound();
        Expect(sent: Flows, dropped: 0, opened: 0);
        EstablishedReply();
        Expect(sent: Flows, dropped: 0, opened: 0);
        DeniedAfter100Rules();
        Expect(sent: 0, dropped: Flows, opened: 0);
        NewConnectionAfter100Rules();
        Expect(sent: Flows, dropped: 0, opened: Flows);
    }

    private long _sent, _dropped, _opened;

    private void Expect(long sent, long dropped, long opened)
    {
        long nowOpened = _firewall.Counters[FirewallEvent.Opened];
        if (_emit.Sent - _sent != sent || _emit.Dropped - _dropped != dropped || nowOpened - _opened != opened)
        {
            throw new InvalidOperationException(
                $"Expected {sent} sent, {dropped} dropped, {opened} opened; got {_emit.Sent - _sent}, {_emit.Dropped - _dropped}, {nowOpened - _opened}.");
        }
        (_sent, _dropped, _opened) = (_emit.Sent, _emit.Dropped, nowOpened);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class SteppingTime : TimeProvider
    {
        private long _now = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}

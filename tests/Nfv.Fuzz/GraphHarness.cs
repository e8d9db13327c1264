using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Runtime;
using Nfv.Runtime.Replay;
using Nfv.Topology;

namespace Nfv.Fuzz;

/// <summary>
/// Runs a topology's functions, compiled as <c>nfv run</c> compiles them, over the frames of one input
/// (<see cref="FrameRecords"/>), on a clock that moves 1 ms a frame. Each input gets a new graph, so a finding
/// reproduces from its file alone.
/// </summary>
/// <remarks>
/// What counts as a crash, beyond an exception escaping a function: a function sending out of a port it does not have
/// or dropping with a reason it did not declare; a frame leaving the graph shorter than an Ethernet header; a packet
/// still out of the pool once every timer has had time to run (a leak, or a queue that never gives up).
/// </remarks>
internal sealed class GraphHarness
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Small, so a burst empties it: running out of packets is a path worth fuzzing too.
    private const int PoolSize = 32;
    private static readonly GraphOptions Options = new() { ReceiveBatchSize = 8 };

    // Ticks long enough for every retry and timeout to run out (ARP queues, DHCP offers, NAT sessions, MAC ageing).
    private static readonly TimeSpan[] Afterwards = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(2)];

    private readonly ResolvedTopology _topology;
    // A pool per thread: afl runs one thread, but the test suite runs a harness from two test classes at once, and a
    // pool (like the graph) belongs to one thread.
    private readonly ThreadLocal<PacketPool> _pool = new(() => new PacketPool(PoolSize));

    public GraphHarness(string fileName, string yaml)
    {
        var result = TopologyLoader.LoadFromText(yaml, fileName, FunctionDiscovery.Installed());
        _topology = result.Topology ?? throw new InvalidOperationException(
            $"harness topology {fileName} is refused:\n{string.Join("\n", result.Diagnostics)}");
    }

    /// <summary>The external ports, in the order a record's kind picks them.</summary>
    public IReadOnlyList<string> Ports => [.. _topology.Ports.Select(p => p.Name)];

    public void Run(ReadOnlySpan<byte> input)
    {
        var clock = new ReplayClock();
        clock.AdvanceTo(Start);
        var ports = _topology.Ports.Select(p => new MemoryPort(p.Name)).ToArray();
        if (_pool.Value!.Available != _pool.Value.Capacity)
        {
            _pool.Value = new PacketPool(PoolSize); // the last input leaked (and was reported)
        }
        using var graph = TopologyCompiler.Compile(_topology, ports, _pool.Value, Options, clock, NullLoggerFactory.Instance);
        foreach (var record in FrameRecords.Read(input))
        {
            if (record.Kind == FrameRecords.Tick)
            {
                clock.AdvanceTo(clock.GetUtcNow() + TimeSpan.FromMilliseconds(10 * record.Length));
                graph.Tick();
            }
            else
            {
                int port = record.Kind % ports.Length;
                ports[port].Enqueue(record.Frame);
                graph.Poll(port);
                clock.AdvanceTo(clock.GetUtcNow() + TimeSpan.FromMilliseconds(1));
            }
            Check(graph, ports);
        }
        foreach (var wait in Afterwards)
        {
            clock.AdvanceTo(clock.GetUtcNow() + wait);
            graph.Tick();
            Check(graph, ports);
        }
        if (graph.Pool.Available != graph.Pool.Capacity)
        {
            throw new FuzzFinding($"{graph.Pool.Capacity - graph.Pool.Available} packets never returned to the pool");
        }
    }

    private static void Check(PacketGraph graph, MemoryPort[] ports)
    {
        if (graph.Drops[(int)GraphDrop.InvalidPort] != 0 || graph.Drops[(int)GraphDrop.InvalidReason] != 0)
        {
            throw new FuzzFinding($"a function broke the contract: {graph.Drops[(int)GraphDrop.InvalidPort]} sends out of a port it lacks, " +
                $"{graph.Drops[(int)GraphDrop.InvalidReason]} drops with an undeclared reason");
        }
        foreach (var port in ports)
        {
            foreach (var (frame, _) in port.Sent)
            {
                if (frame.Length < 14)
                {
                    throw new FuzzFinding($"a {frame.Length}-byte frame left by {port.Name}");
                }
            }
            port.ClearSent();
        }
    }
}

/// <summary>A broken invariant the harness checks itself (as opposed to an exception escaping the code under test).</summary>
internal sealed class FuzzFinding(string message) : Exception(message);

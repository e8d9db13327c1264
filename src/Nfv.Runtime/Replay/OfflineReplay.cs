using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Runtime.Replay;

/// <summary>
/// Runs a topology offline over pcap files (<c>nfv replay</c>): no root, no TAPs, no namespaces.
/// Input frames from every --in file are merged by timestamp (ties go to the earlier --in), and
/// the <see cref="ReplayClock"/> is moved to each frame's timestamp before the graph sees it, with
/// <see cref="PacketGraph.Tick"/> called at every 100 ms boundary crossed on the way, as the
/// worker does on the wall clock. Output frames carry the timestamp of the input frame that caused
/// them. Same input, byte-identical output.
/// </summary>
public static class OfflineReplay
{
    /// <summary>The worker's timer period (<see cref="PipelineWorker"/>).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The most timer calls made for one gap between input frames. A longer silence in the capture
    /// is shortened: the ticks in its middle are skipped, the last ones are made. Timers compare
    /// times, so ageing across the gap is the same; only work per tick (retries) is not repeated.
    /// </summary>
    public const int MaxTicksPerGap = 36_000;

    /// <summary>The packets a replay runs on: as many as <c>nfv run</c>'s default pool.</summary>
    public const int PacketPoolSize = 512;

    /// <summary>Replays; the caller has checked that every binding names a port of the topology.</summary>
    /// <exception cref="IOException">An input file cannot be read or an output file cannot be created.</exception>
    public static ReplaySummary Run(ResolvedTopology topology, IReadOnlyList<ReplayBinding> inputs, IReadOnlyList<ReplayBinding> outputs,
        ILoggerFactory loggers)
    {
        var clock = new ReplayClock();
        var writers = new Dictionary<string, PcapWriter>(StringComparer.Ordinal);
        var ports = new List<PcapReplayPort>();
        LinkCaptures? captures = null;
        try
        {
            foreach (var output in outputs)
            {
                writers.Add(output.Port, PcapWriter.Create(output.File));
            }
            var inputByPort = inputs.ToDictionary(i => i.Port, i => i.File, StringComparer.Ordinal);
            foreach (var port in topology.Ports)
            {
                ports.Add(new PcapReplayPort(port.Name, inputByPort.GetValueOrDefault(port.Name), writers.GetValueOrDefault(port.Name), clock));
            }
            // Feeding order: --in order, so equal timestamps are replayed in the order the user gave the files.
            var feeds = inputs.Select(i => topology.Ports.Select((p, index) => (p, index)).First(x => x.p.Name == i.Port).index).ToArray();

            var start = feeds.Select(i => ports[i].NextTimestamp).Where(t => t is not null).Min() ?? DateTimeOffset.UnixEpoch;
            clock.AdvanceTo(start);
            // Link captures are drained on this thread after every pass: none is ever dropped, so they are deterministic too.
            captures = LinkCaptures.Open(topology, clock);
            var graph = TopologyCompiler.Compile(topology, ports, new PacketPool(PacketPoolSize), options: null, clock, loggers, captures);
            var nextTick = FirstBoundaryAfter(start);

            while (true)
            {
                int next = -1;
                foreach (int feed in feeds)
                {
                    if (ports[feed].NextTimestamp is { } t && (next < 0 || t < ports[next].NextTimestamp))
                    {
                        next = feed;
                    }
                }
                if (next < 0)
                {
                    break;
                }
                // A capture whose timestamps go back is replayed in file order, on a clock that stands still.
                var now = ports[next].NextTimestamp!.Value;
                if (now < clock.GetUtcNow())
                {
                    now = clock.GetUtcNow();
                }
                nextTick = TickUntil(graph, clock, captures, nextTick, now);
                clock.AdvanceTo(now);
                ports[next].Horizon = now;
                if (graph.Poll(next) == 0 && ports[next].NextTimestamp is not null && ports[next].NextTimestamp <= now)
                {
                    // Cannot happen while ports send at once (the pool refills after every pass); never spin.
                    throw new InvalidOperationException($"replay stalled on port '{ports[next].Name}': the packet pool is exhausted");
                }
                captures.DrainNow();
            }
            // The input is over; what functions still hold for a later time (a shaper's queue) leaves at that time.
            for (int i = 0; i < MaxTicksPerGap && graph.NextWake != long.MaxValue; i++)
            {
                clock.AdvanceTo(WakeTime(graph));
                graph.RunTimers(clock.GetTimestamp());
                captures.DrainNow();
            }

            return Summarize(topology, inputs, outputs, ports, graph);
        }
        finally
        {
            captures?.Dispose();
            foreach (var port in ports)
            {
                port.Dispose();
            }
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
    }

    private static DateTimeOffset FirstBoundaryAfter(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long period = TickInterval.Ticks;
        long boundary = ((ticks / period) + 1) * period;
        return DateTimeOffset.UnixEpoch.AddTicks(boundary);
    }

    /// <summary>When a function next asked to be woken, on the replay clock (whose timestamps are UTC ticks).</summary>
    private static DateTimeOffset WakeTime(PacketGraph graph) =>
        graph.NextWake == long.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(Math.Max(graph.NextWake, 0), TimeSpan.Zero);

    /// <summary>Calls the graph's timer at every boundary up to <paramref name="now"/>, and at every wake a function asked for; returns the next boundary.</summary>
    private static DateTimeOffset TickUntil(PacketGraph graph, ReplayClock clock, LinkCaptures captures, DateTimeOffset nextTick, DateTimeOffset now)
    {
        if (nextTick > now && WakeTime(graph) > now)
        {
            return nextTick;
        }
        long due = ((now - nextTick).Ticks / TickInterval.Ticks) + 1;
        if (due > MaxTicksPerGap)
        {
            nextTick += TickInterval * (due - MaxTicksPerGap);
        }
        while (nextTick <= now || WakeTime(graph) <= now)
        {
            // The regular tick and the times functions asked for (a shaper's releases), in time order.
            if (WakeTime(graph) is var wake && wake < nextTick)
            {
                clock.AdvanceTo(wake);
                graph.RunTimers(clock.GetTimestamp());
            }
            else
            {
                clock.AdvanceTo(nextTick);
                graph.Tick();
                nextTick += TickInterval;
            }
            captures.DrainNow();
        }
        return nextTick;
    }

    private static ReplaySummary Summarize(ResolvedTopology topology, IReadOnlyList<ReplayBinding> inputs, IReadOnlyList<ReplayBinding> outputs,
        List<PcapReplayPort> ports, PacketGraph graph)
    {
        PcapReplayPort Port(string name) => ports.First(p => p.Name == name);
        var drops = new List<(string, long)>();
        foreach (var function in graph.Functions)
        {
            var dropped = function.TotalDrops();
            for (int r = 0; r < dropped.Length; r++)
            {
                if (dropped[r] > 0)
                {
                    drops.Add(($"{function.Name}/{function.DropReasons[r]}", dropped[r]));
                }
            }
        }
        var graphReasons = Enum.GetNames<GraphDrop>();
        var graphDrops = graph.TotalDrops();
        for (int r = 0; r < graphDrops.Length; r++)
        {
            if (graphDrops[r] > 0)
            {
                drops.Add(($"graph/{graphReasons[r]}", graphDrops[r]));
            }
        }
        foreach (var node in graph.Ports)
        {
            if (node.Unconnected > 0)
            {
                drops.Add(($"{node.Port.Name}/Unconnected", node.Unconnected));
            }
        }
        return new ReplaySummary
        {
            Topology = topology.Name,
            In = [.. inputs.Select(i => (i.Port, Port(i.Port).Counters.Traffic[PortTraffic.ReceivedPackets]))],
            Out = [.. outputs.Select(o => (o.Port, Port(o.Port).Counters.Traffic[PortTraffic.SentPackets]))],
            Discarded = [.. ports.Where(p => p.Discarded > 0).Select(p => (p.Name, p.Discarded))],
            Drops = drops,
            Skipped = ports.Sum(p => p.Skipped),
        };
    }
}

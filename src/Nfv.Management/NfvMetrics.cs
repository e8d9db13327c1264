using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Prometheus;

namespace Nfv.Management;

/// <summary>
/// Publishes the dataplane's counters to Prometheus at scrape time. The worker keeps plain <c>long</c>
/// counters and never touches a metric; a before-collect callback copies them in with <c>IncTo</c>/<c>Set</c>,
/// so metrics cost the packet path nothing. Every drop reason is published at 0 from the start.
/// </summary>
public sealed class NfvMetrics
{
    // A port's own reasons, and the graph's count of frames from a port linked to nothing.
    private static readonly string[] PortDropReasons = [.. EventCounters<PortDrop>.Names, "unconnected"];

    private readonly Counter[] _portTraffic;
    private readonly Counter _portDropped;
    private readonly Gauge _portUp;
    private readonly Counter _functionProcessed;
    private readonly Counter _functionBatches;
    private readonly Counter _functionDropped;
    private readonly Counter _functionEvents;
    private readonly Counter _graphDropped;
    private readonly Gauge _tableEntries;
    private readonly Gauge _tableCapacity;
    private readonly Gauge _poolAvailable;
    private readonly RunningTopology _runtime;

    /// <summary>Registers nfv's metrics in <paramref name="registry"/>, read from <paramref name="runtime"/> at each scrape.</summary>
    public NfvMetrics(RunningTopology runtime, CollectorRegistry registry)
    {
        _runtime = runtime;
        var factory = Metrics.WithCustomRegistry(registry);
        _portTraffic = [.. EventCounters<PortTraffic>.Names.Select((name, i) =>
            factory.CreateCounter($"nfv_port_{name}_total", EventCounters<PortTraffic>.Helps[i], "port"))];
        _portDropped = factory.CreateCounter("nfv_port_dropped_packets_total", "Frames an external port lost, by reason.", "port", "reason");
        _portUp = factory.CreateGauge("nfv_port_up", "1 while an external port carries frames; 0 with no carrier or with its device gone (a vanished lab host).", "port");
        _functionProcessed = factory.CreateCounter("nfv_function_processed_packets_total", "Packets handed to a function.", "function");
        _functionBatches = factory.CreateCounter("nfv_function_processed_batches_total", "Batches handed to a function (packets / batches = mean batch size).", "function");
        _functionDropped = factory.CreateCounter("nfv_function_dropped_packets_total", "Packets a function dropped, by reason.", "function", "reason");
        _functionEvents = factory.CreateCounter("nfv_function_events_total", "Events a function counts besides drops (learned, flooded, ...).", "function", "event");
        _graphDropped = factory.CreateCounter("nfv_graph_dropped_packets_total", "Packets the graph itself dropped, by reason.", "reason");
        _tableEntries = factory.CreateGauge("nfv_table_entries", "Entries in a function's table (mac, arp, routes, leases, nat).", "function", "table");
        _tableCapacity = factory.CreateGauge("nfv_table_capacity_entries", "The bound of a function's table.", "function", "table");
        _poolAvailable = factory.CreateGauge("nfv_packet_pool_available_buffers", "Packet buffers free in the workers' pools.");
        var build = factory.CreateGauge("nfv_build_info", "Build information; always 1.", "version", "runtime");
        build.WithLabels(typeof(NfvMetrics).Assembly.GetName().Version?.ToString() ?? "0", Environment.Version.ToString()).Set(1);
        registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>
    /// Creates every labelled series at 0, so dashboards see each drop reason before the first drop; after
    /// <c>nfv apply</c>, also removes the series of functions and ports that are gone, so /metrics shows the lab as it is.
    /// </summary>
    public void Declare()
    {
        if (_runtime.Running is not { } running)
        {
            return;
        }
        var functions = running.Graph.Functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var ports = running.Graph.Ports.Select(p => p.Port.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var counter in (Counter[])[_functionProcessed, _functionBatches, _functionDropped, _functionEvents])
        {
            RemoveGone(counter, functions);
        }
        foreach (var counter in (Counter[])[.. _portTraffic, _portDropped])
        {
            RemoveGone(counter, ports);
        }
        RemoveGone(_tableEntries, functions);
        RemoveGone(_tableCapacity, functions);
        RemoveGone(_portUp, ports);
        foreach (var port in running.Graph.Ports)
        {
            foreach (var reason in PortDropReasons)
            {
                _portDropped.WithLabels(port.Port.Name, reason);
            }
        }
        foreach (var function in running.Graph.Functions)
        {
            foreach (var reason in function.DropReasons)
            {
                _functionDropped.WithLabels(function.Name, Snake(reason));
            }
        }
        foreach (var reason in Enum.GetNames<GraphDrop>())
        {
            _graphDropped.WithLabels(Snake(reason));
        }
        Collect();
    }

    // Every series whose first label (the function or port) names nothing that runs now.
    private static void RemoveGone<TChild>(Collector<TChild> collector, HashSet<string> names) where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().Where(l => l.Length > 0 && !names.Contains(l[0])).ToList())
        {
            collector.RemoveLabelled(labels);
        }
    }

    private void Collect()
    {
        if (_runtime.Running is not { } running)
        {
            return;
        }
        var graph = running.Graph;
        foreach (var node in graph.Ports)
        {
            var name = node.Port.Name;
            var c = node.Port.Counters;
            for (int t = 0; t < _portTraffic.Length; t++)
            {
                _portTraffic[t].WithLabels(name).IncTo(c.Traffic[(PortTraffic)t]);
            }
            for (int r = 0; r < EventCounters<PortDrop>.Names.Count; r++)
            {
                _portDropped.WithLabels(name, EventCounters<PortDrop>.Names[r]).IncTo(c.Drops[(PortDrop)r]);
            }
            _portDropped.WithLabels(name, "unconnected").IncTo(node.Unconnected);
            _portUp.WithLabels(name).Set(node.Port.State == PortState.Up ? 1 : 0);
        }
        foreach (var node in graph.Functions)
        {
            _functionProcessed.WithLabels(node.Name).IncTo(node.ProcessedPackets);
            _functionBatches.WithLabels(node.Name).IncTo(node.ProcessedBatches);
            var dropped = node.TotalDrops();
            for (int r = 0; r < dropped.Length; r++)
            {
                _functionDropped.WithLabels(node.Name, Snake(node.DropReasons[r])).IncTo(dropped[r]);
            }
            foreach (var (name, count) in node.TotalEvents())
            {
                _functionEvents.WithLabels(node.Name, name).IncTo(count);
            }
            // An instance per worker: the entries of all its instances' tables, and the bound they hold together.
            foreach (var (_, table) in InstanceTables.Of(node))
            {
                _tableEntries.WithLabels(node.Name, table.Name).Set(table.Count);
                _tableCapacity.WithLabels(node.Name, table.Name).Set(table.Capacity);
            }
        }
        var graphDrops = Enum.GetNames<GraphDrop>();
        var graphDropped = graph.TotalDrops();
        for (int r = 0; r < graphDrops.Length; r++)
        {
            _graphDropped.WithLabels(Snake(graphDrops[r])).IncTo(graphDropped[r]);
        }
        _poolAvailable.Set(graph.Lanes.Sum(l => l.Pool.Available));
    }

    /// <summary>PascalCase drop reasons become snake_case label values: <c>VlanNotAllowed</c> → <c>vlan_not_allowed</c>.</summary>
    internal static string Snake(string name) => InspectionNames.SnakeCase(name);
}

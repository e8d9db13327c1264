using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Functions.Switch;
using Nfv.Management;
using Nfv.Topology;

namespace Nfv.Benchmarks;

/// <summary>
/// The dataplane around a function, in ns per packet: a port hands the graph a batch of 64 frames of 60 bytes
/// (each rented from the pool and copied in, as a TAP read fills a buffer), the dispatcher runs a switch on it,
/// collects what it sends and hands it to the egress port, which returns each packet to the pool. Only the
/// syscalls are missing, so the difference to <see cref="SwitchBenchmark"/> is the graph's own cost.
/// <see cref="PortSwitchPortCaptured"/> is the same with the ingress link captured (<c>capture:</c>): the worker's
/// cost of copying each frame into the capture ring, while a drain thread writes it to /dev/null.
/// <see cref="PortSwitchPortScraped"/> is the plain case with metrics on: nfv's own <c>NfvMetrics</c> over the graph,
/// and a thread exporting the whole /metrics text every 10 ms (a thousand times Prometheus's usual 15 s), so any
/// cost metrics put on the packet path (there should be none: counters are plain fields read at scrape time) shows.
/// <see cref="PortSwitchPortHandedOver"/> builds the graph for two workers with the ingress port on the second and the
/// switch on the first: every frame crosses a handoff ring and goes back to its own pool as a return from another
/// thread (the pool is bound to a thread that is not the benchmark's), all on one thread here, so it is the handoff's
/// own instructions without the cache traffic between two cores.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GraphBenchmark
{
    private const int BatchSize = 64;

    private PacketGraph _graph = null!;
    private PacketGraph _captured = null!;
    private LinkCapture? _capture;
    private CaptureDrain? _drain;
    private PacketGraph _scraped = null!;
    private WorkerGroup? _scrapedWorker;
    private PacketGraph _handedOver = null!;
    private CancellationTokenSource? _stopScraping;
    private Thread? _scraper;

    /// <summary>Builds port → switch → port and teaches the switch both hosts.</summary>
    [GlobalSetup(Target = nameof(PortSwitchPort))]
    public void Setup() => (_graph, _, _) = Build(null);

    /// <summary>The same with the ingress link captured, and the capture's drain thread running.</summary>
    [GlobalSetup(Target = nameof(PortSwitchPortCaptured))]
    public void SetupCaptured()
    {
        _capture = new LinkCapture("a <-> lan.a", PcapWriter.Create("/dev/null"), TimeProvider.System);
        _drain = new CaptureDrain([_capture], TimeSpan.FromMilliseconds(1));
        _drain.Start();
        (_captured, _, _) = Build(_capture);
    }

    /// <summary>The graph over two lanes, the ingress port on lane 1 and everything else on lane 0.</summary>
    [GlobalSetup(Target = nameof(PortSwitchPortHandedOver))]
    public void SetupHandedOver()
    {
        (_handedOver, _, _) = Build(null, lanes: 2);
        var other = new Thread(_handedOver.Lanes[1].Pool.BindToCurrentThread);
        other.Start();
        other.Join();
    }

    /// <summary>The plain graph with nfv's metrics over it and a scraper thread running.</summary>
    [GlobalSetup(Target = nameof(PortSwitchPortScraped))]
    public void SetupScraped()
    {
        (_scraped, _, _) = Build(null);
        StartScraping();
    }

    /// <summary>Stops the threads a case started.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _drain?.Dispose();
        _capture?.Dispose();
        _stopScraping?.Cancel();
        _scraper?.Join();
        _scrapedWorker?.Dispose();
    }

    private void StartScraping()
    {
        var topology = new ResolvedTopology { Name = "bench", FilePath = "bench.yaml", Functions = [], Ports = [], Links = [], Hosts = [] };
        var runtime = new RunningTopology(topology);
        _scrapedWorker = new WorkerGroup(_scraped, TimeProvider.System, NullLogger.Instance); // never started: the benchmark polls
        runtime.Started(_scraped, _scrapedWorker);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        new NfvMetrics(runtime, registry).Declare();
        _stopScraping = new CancellationTokenSource();
        var token = _stopScraping.Token;
        _scraper = new Thread(() =>
        {
            while (!token.IsCancellationRequested)
            {
                registry.CollectAndExportAsTextAsync(Stream.Null, token).GetAwaiter().GetResult();
                Thread.Sleep(10);
            }
        })
        { IsBackground = true, Name = "scraper" };
        _scraper.Start();
    }

    private static (PacketGraph, RepeatingPort, RepeatingPort) Build(LinkCapture? capture, int lanes = 1)
    {
        var a = new MacAddress(0x0200_0000_0001UL);
        var b = new MacAddress(0x0200_0000_0002UL);
        var @in = new RepeatingPort("a", Frame(b, a));
        var @out = new RepeatingPort("b", Frame(a, b));
        var builder = new GraphBuilder();
        int sw = builder.AddFunction("lan", new SwitchFunction("lan", new SwitchOptions { Ports = [SwitchPort.Access("a"), SwitchPort.Access("b")] }),
            2, Enum.GetNames<SwitchDrop>());
        int pa = builder.AddPort(@in);
        int pb = builder.AddPort(@out);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(sw, 0), capture);
        builder.Link(GraphEndpoint.External(pb), GraphEndpoint.Function(sw, 1));
        var graph = builder.Build([.. Enumerable.Range(0, lanes).Select(_ => new PacketPool(512))], new GraphOptions { ReceiveBatchSize = BatchSize },
            functionLanes: [0], portLanes: [lanes - 1, 0]);
        graph.Poll(1); // b speaks first, so the switch knows where b is
        graph.Lanes[lanes - 1].Poll(0);
        graph.Settle();
        if (@out.Sent != BatchSize || @in.Sent != BatchSize || graph.Lanes.Any(l => l.Pool.Available != l.Pool.Capacity))
        {
            throw new InvalidOperationException("The graph did not forward the frames as expected.");
        }
        return (graph, @in, @out);
    }

    /// <summary>One batch of 64 known-unicast frames through port, graph, switch and port.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int PortSwitchPort() => _graph.Poll(0);

    /// <summary>The same with the ingress link captured: each frame also copied into the capture ring.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int PortSwitchPortCaptured() => _captured.Poll(0);

    /// <summary>The plain case with the ingress port on another lane: a handoff per frame, and a return from another thread.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int PortSwitchPortHandedOver() => _handedOver.Lanes[1].Poll(0) + _handedOver.PollHandoffs();

    /// <summary>The plain case while nfv's metrics are exported every 10 ms on another thread.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int PortSwitchPortScraped() => _scraped.Poll(0);

    private static byte[] Frame(MacAddress destination, MacAddress source)
    {
        var frame = new byte[60];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        frame[12] = 0x08;
        return frame;
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Lab;
using Nfv.Management;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>
/// Runs one topology for the life of the host: creates its TAPs and lab hosts, compiles the graph,
/// starts the worker, and on stop undoes all of it.
/// </summary>
internal sealed partial class NfvHostedService(
    ResolvedTopology topology,
    IOptions<NfvOptions> options,
    TimeProvider time,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime,
    IServer server,
    RunningTopology runtime,
    NfvMetrics metrics) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("Nfv.Host");
    private readonly ProgressLine _progress = ProgressLine.ForStandardError();
    private LabEnvironment? _lab;
    private PacketGraph? _graph;
    private WorkerGroup? _worker;
    private LinkCaptures? _captures;
    private DhcpHosts? _dhcp;
    private CancellationTokenSource? _stats;
    private CancellationTokenSource? _watch;
    private Task? _watching;

    private bool BatchedTapIo()
    {
        if (!options.Value.BatchedTapIo)
        {
            return false;
        }
        if (!TapPort.CanBatchIo(out var whyNot))
        {
            HostLog.NoBatchedTapIo(_logger, whyNot!);
            return false;
        }
        return true;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stateDirectory = Path.Combine(options.Value.StateDirectory, topology.Name);
        LabLeftovers.Record(stateDirectory, topology.NamespaceHosts.Select(h => h.Name));
        try
        {
            _lab = LabEnvironment.Create(topology, _logger, _progress, queues: options.Value.MultiQueueTaps ? options.Value.WorkerCount : 1,
                batchedTapIo: BatchedTapIo());
        }
        catch
        {
            LabLeftovers.Forget(stateDirectory); // Create removed what it made
            _progress.Finish();
            throw;
        }
        try
        {
            _captures = OpenCaptures();
            var pools = Enumerable.Range(0, options.Value.WorkerCount).Select(_ => new PacketPool(options.Value.PacketPoolSize, memory: PacketMemory.Resident)).ToArray();
            _graph = TopologyCompiler.Compile(topology, _lab.Ports, pools, GraphOptions(), time, loggers, _captures, stateDirectory);
            _worker = new WorkerGroup(_graph, time, loggers.CreateLogger<PipelineWorker>(), options.Value.BusyPoll);
            _worker.Faulted += _ =>
            {
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            };
            _worker.Start();
            _captures.StartDrain();
            runtime.Started(_graph, _worker);
            metrics.Declare();
            // DHCP hosts ask once frames flow; Ctrl-C during the wait ends it early and the host then stops.
            _dhcp = await DhcpHosts.StartAsync(topology, _logger);
            await _dhcp.WaitForLeasesAsync(options.Value.DhcpTimeout, cancellationToken);
            var hosts = new LabHosts(topology, _lab, _dhcp, _worker, _logger, options.Value.DhcpTimeout, stateDirectory);
            runtime.Hosts = hosts;
            await hosts.StartAsync();
            _watch = new CancellationTokenSource();
            _watching = hosts.WatchAsync(time, _watch.Token);
            runtime.Applier = this;
            ListenForHangUp();
        }
        catch
        {
            await StopWatchingAsync();
            await StopDhcpAsync();
            _worker?.Dispose();
            _worker = null;
            _graph?.Dispose();
            _progress.Finish();
            _lab.Dispose();
            _progress.Finish();
            _lab = null;
            LabLeftovers.Forget(stateDirectory);
            _captures?.Dispose();
            _captures = null;
            throw;
        }
        _progress.Finish();
        // Printed once the management API listens too: the line means "everything is up".
        lifetime.ApplicationStarted.Register(PrintReady);
        if (options.Value.StatsInterval > TimeSpan.Zero)
        {
            _stats = new CancellationTokenSource();
            _ = ReportStatsAsync(options.Value.StatsInterval, _stats.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _hangUp?.Dispose();
        runtime.Applier = null;
        await _applying.WaitAsync(cancellationToken); // an apply in progress ends first; none starts after
        _stats?.Cancel();
        await StopWatchingAsync();
        // DHCP clients release their leases while the dataplane still carries the DHCPRELEASE to the server.
        await StopDhcpAsync();
        await SettleAsync();
        _worker?.Dispose();
        _worker = null;
        _graph?.Dispose(); // after the worker: functions close their files (DHCP leases) once nothing runs them
        StopCaptures();
        if (_lab is not null)
        {
            _lab.Dispose();
            _progress.Finish();
            _lab = null;
            LabLeftovers.Forget(Path.Combine(options.Value.StateDirectory, topology.Name));
            HostLog.Stopped(_logger, topology.Name, runtime.Topology.Ports.Count, runtime.Topology.Hosts.Count);
        }
    }

    /// <summary>
    /// Lets the last frames the lab sent cross before the worker stops: a DHCPRELEASE is unicast and may first wait for
    /// an ARP reply, so "sent" is not yet "read". Waits until the ports have received nothing for 100 ms, at most 1 s.
    /// </summary>
    private async Task SettleAsync()
    {
        if (_graph is null)
        {
            return;
        }
        long Received() => _graph.Ports.Sum(p => p.Port.Counters.Traffic[PortTraffic.ReceivedPackets]);
        var quiet = TimeSpan.FromMilliseconds(100);
        long last = Received(), lastChange = time.GetTimestamp(), start = lastChange;
        while (time.GetElapsedTime(lastChange) < quiet && time.GetElapsedTime(start) < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
            if (Received() is var now && now != last)
            {
                (last, lastChange) = (now, time.GetTimestamp());
            }
        }
    }

    /// <summary>Stops the lab hosts' watcher and waits for a restart in progress, before anything they use goes.</summary>
    private async Task StopWatchingAsync()
    {
        if (_watch is not null)
        {
            await _watch.CancelAsync();
            await _watching!;
            _watch.Dispose();
            _watch = null;
        }
        if (runtime.Hosts is { } hosts)
        {
            await hosts.StopAsync();
        }
    }

    private async Task StopDhcpAsync()
    {
        if (_dhcp is not null)
        {
            await _dhcp.StopAsync();
            _dhcp = null;
        }
    }

    public void Dispose()
    {
        // Only reached with clients still running if the host never called StopAsync.
        StopWatchingAsync().GetAwaiter().GetResult();
        StopDhcpAsync().GetAwaiter().GetResult();
        _worker?.Dispose();
        _graph?.Dispose();
        _captures?.Dispose();
        _lab?.Dispose();
        _stats?.Dispose();
        _hangUp?.Dispose();
        _applying.Dispose();
    }

    private GraphOptions GraphOptions() => new() { ReceiveBatchSize = options.Value.ReceiveBatchSize, MaxHops = options.Value.MaxHops };

    private void PrintReady()
    {
        var hostsByPort = topology.Hosts.ToDictionary(h => h.PortIndex);
        Console.Out.WriteLine(
            $"nfv: topology '{topology.Name}' is up: {Count(topology.Functions.Count, "function")}, " +
            $"{Count(topology.Ports.Count, "port")}, {Count(topology.Hosts.Count, "host")}, {Count(_worker!.Workers.Count, "dataplane worker")}. " +
            "Ctrl-C stops it and removes them.");
        for (int i = 0; i < topology.Ports.Count; i++)
        {
            var port = topology.Ports[i];
            if (hostsByPort.TryGetValue(i, out var host))
            {
                var peerAddress = topology.Hosts.Where(h => h != host).Select(AddressOf).FirstOrDefault(a => a is not null);
                var example = peerAddress is null ? "ip addr" : $"ping {peerAddress}";
                var address = LabHosts.DescribeAddresses(host, _dhcp);
                if (runtime.Hosts?.VmOf(host) is { } vm)
                {
                    Console.Out.WriteLine($"  host {host.Name}: VM, {address} (port {port.Name}); its console: {vm.ConsolePath}");
                    continue;
                }
                Console.Out.WriteLine($"  host {host.Name}: {address} (port {port.Name}); try: ip netns exec {host.Name} {example}");
            }
            else if (port.SocketPath is { } socket)
            {
                Console.Out.WriteLine($"  port {port.Name}: socket {socket}; attach a VM with QEMU's -netdev dgram,...,remote.type=unix,remote.path={socket}");
            }
            else if (port.Vxlan is { } tunnel)
            {
                Console.Out.WriteLine($"  port {port.Name}: VXLAN {tunnel}; the other end needs the same VNI and this machine's address as its remote");
            }
            else
            {
                Console.Out.WriteLine($"  port {port.Name}: TAP {port.TapName} is up in this namespace; attach a VM, a bridge or a namespace to it");
            }
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is { Count: > 0 })
        {
            Console.Out.WriteLine($"  management: {string.Join(", ", addresses)} (nfv show ports --address ADDRESS, /api/..., /metrics)");
        }
        Console.Out.Flush();
    }

    private LinkCaptures OpenCaptures()
    {
        try
        {
            return LinkCaptures.Open(topology, time);
        }
        catch (IOException ex)
        {
            throw new LabException(ex.Message, ex); // one line from nfv run, like every other set-up failure
        }
    }

    /// <summary>After the worker stopped: writes what the captures still hold, closes their files, and says what each got.</summary>
    private void StopCaptures()
    {
        if (_captures is null)
        {
            return;
        }
        if (_captures.Fault is { } fault)
        {
            HostLog.CaptureFailed(_logger, fault);
        }
        try
        {
            _captures.Dispose();
        }
        catch (IOException ex)
        {
            HostLog.CaptureFailed(_logger, ex); // a full disk loses the capture's tail, never the stop
        }
        foreach (var capture in _captures.All)
        {
            HostLog.CaptureClosed(_logger, capture.Name, capture.Path, capture.Written, capture.Dropped);
        }
        _captures = null;
    }

    private string? AddressOf(ResolvedHost host) => host.Address?.Address.ToString() ?? _dhcp?.AddressOf(host);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private async Task ReportStatsAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var graph = _graph!;
                using var process = Process.GetCurrentProcess();
                long received = graph.Ports.Sum(p => p.Port.Counters.Traffic[PortTraffic.ReceivedPackets]);
                long sent = graph.Ports.Sum(p => p.Port.Counters.Traffic[PortTraffic.SentPackets]);
                long dropped = graph.Functions.Sum(f => f.TotalDrops().Sum()) + graph.TotalDrops().Sum();
                HostLog.Stats(_logger, process.WorkingSet64 / 1048576.0, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                    GC.GetTotalAllocatedBytes(), graph.Lanes.Sum(l => l.Pool.Available), graph.Lanes.Sum(l => l.Pool.Capacity), received, sent, dropped);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

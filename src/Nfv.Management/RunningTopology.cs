using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Topology;

namespace Nfv.Management;

/// <summary>What is running now, for the management API and the metrics: set once the dataplane is up.</summary>
public sealed class RunningTopology(ResolvedTopology topology)
{
    private volatile RunningGraph? _running;
    private int _captures;

    /// <summary>The topology being run.</summary>
    public ResolvedTopology Topology { get; } = topology;

    /// <summary>The compiled graph and its functions, or null before the dataplane started.</summary>
    public RunningGraph? Running => _running;

    /// <summary>Records that the dataplane is up: <paramref name="graph"/> run by <paramref name="worker"/>.</summary>
    public void Started(PacketGraph graph, PipelineWorker worker) => _running = new RunningGraph(graph, worker);

    /// <summary>The lab hosts' keeper, once they are up (null before, and for a topology run without them).</summary>
    public Lab.LabHosts? Hosts { get; set; }

    /// <summary>Counts a client capture in; false when <see cref="ManagementApi.MaxRuntimeCaptures"/> are running already.</summary>
    public bool TryTakeCapture()
    {
        if (Interlocked.Increment(ref _captures) <= ManagementApi.MaxRuntimeCaptures)
        {
            return true;
        }
        Interlocked.Decrement(ref _captures);
        return false;
    }

    /// <summary>Counts a client capture out.</summary>
    public void ReturnCapture() => Interlocked.Decrement(ref _captures);
}

/// <summary>A compiled graph with its functions in topology order, and the worker that runs it.</summary>
/// <param name="Graph">The graph: its counters are plain fields any thread may read.</param>
/// <param name="Worker">Runs queries on the dataplane thread (<see cref="PipelineWorker.InvokeAsync"/>): read function tables through it.</param>
public sealed record RunningGraph(PacketGraph Graph, PipelineWorker Worker)
{
    /// <summary>The running function of topology function <paramref name="index"/>.</summary>
    public INetworkFunction Function(int index) => Graph.Functions[index].Function;
}

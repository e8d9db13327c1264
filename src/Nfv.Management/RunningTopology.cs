using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Topology;

namespace Nfv.Management;

/// <summary>What is running now, for the management API and the metrics: set once the dataplane is up.</summary>
public sealed class RunningTopology(ResolvedTopology topology)
{
    private volatile Snapshot _now = new(topology, null);
    private int _captures;

    /// <summary>The topology being run (<c>nfv apply</c> replaces it).</summary>
    public ResolvedTopology Topology => _now.Topology;

    /// <summary>The compiled graph and its functions, or null before the dataplane started.</summary>
    public RunningGraph? Running => _now.Running;

    /// <summary>Records that the dataplane is up: <paramref name="graph"/> run by <paramref name="workers"/>.</summary>
    public void Started(PacketGraph graph, WorkerGroup workers) => _now = new Snapshot(Topology, new RunningGraph(graph, workers));

    /// <summary>Records that <c>nfv apply</c> made <paramref name="topology"/> run as <paramref name="graph"/>, on the same workers.</summary>
    public void Applied(ResolvedTopology topology, PacketGraph graph) =>
        _now = new Snapshot(topology, new RunningGraph(graph, Running?.Worker ?? throw new InvalidOperationException("the dataplane is not running")));

    /// <summary>
    /// Applies a new version of the topology's file to the running lab (<c>nfv apply</c>, <c>POST /api/apply</c>, SIGHUP),
    /// set by the host that runs it; null until the lab is up.
    /// </summary>
    public ITopologyApplier? Applier { get; set; }

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

/// <summary>The topology and the graph that runs it, replaced together.</summary>
internal sealed record Snapshot(ResolvedTopology Topology, RunningGraph? Running);

/// <summary>Applies a new version of a running topology's file: <c>nfv apply</c>'s server side.</summary>
public interface ITopologyApplier
{
    /// <summary>
    /// Loads <paramref name="text"/> (the file's text, named <paramref name="path"/> in diagnostics), compares it with the
    /// running topology and, unless <paramref name="dryRun"/>, applies it. One apply at a time; an invalid file or one the
    /// lab cannot take changes nothing.
    /// </summary>
    Task<ApplyResult> ApplyAsync(string text, string path, bool dryRun, CancellationToken cancellationToken);
}

/// <summary>What an apply did or would do.</summary>
/// <param name="Applied">True when the lab now runs the file (false for a dry run and for a refusal).</param>
/// <param name="Plan">The changes, one line each, as <c>nfv apply</c> prints them.</param>
/// <param name="Errors">Why the file was refused (its diagnostics, or what the lab cannot take), or what failed while applying.</param>
public sealed record ApplyResult(bool Applied, IReadOnlyList<string> Plan, IReadOnlyList<string> Errors);

/// <summary>A compiled graph with its functions in topology order, and the workers that run it.</summary>
/// <param name="Graph">The graph: its counters are plain fields any thread may read.</param>
/// <param name="Worker">
/// Runs queries while no worker runs the graph (<see cref="WorkerGroup.InvokeAsync"/>): read function tables and change
/// the graph through it.
/// </param>
public sealed record RunningGraph(PacketGraph Graph, WorkerGroup Worker)
{
    /// <summary>The running instances of topology function <paramref name="index"/>: one, or one per worker.</summary>
    public IReadOnlyList<FunctionInstance> Instances(int index) => Graph.Functions[index].Instances;
}

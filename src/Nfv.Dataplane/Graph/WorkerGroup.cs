using Microsoft.Extensions.Logging;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// The workers that run a graph, one per lane (<see cref="PacketGraph.Lanes"/>), and the one door the control plane
/// goes through: a query or a change runs while every worker is parked between two batches, so nothing the graph holds
/// (a function's tables, the links' captures, the graph itself) is ever touched by two threads at once. With one worker
/// this is exactly <see cref="PipelineWorker.InvokeAsync{T}"/>; with more, the first worker runs the request once the
/// others have parked (microseconds, since a worker parks at the end of the batch in hand).
/// </summary>
public sealed class WorkerGroup : IDisposable
{
    private readonly PipelineWorker[] _workers;

    /// <summary>Creates a worker for each lane of <paramref name="graph"/> (named <c>nfv-worker-N</c>).</summary>
    public WorkerGroup(PacketGraph graph, TimeProvider time, ILogger logger, TimeSpan? busyPoll = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _workers = new PipelineWorker[graph.Lanes.Count];
        try
        {
            for (int i = 0; i < _workers.Length; i++)
            {
                _workers[i] = new PipelineWorker(graph.Lanes[i], time, logger, $"nfv-worker-{i}", busyPoll);
                _workers[i].Faulted += ex => Faulted?.Invoke(ex);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The workers, by lane.</summary>
    public IReadOnlyList<PipelineWorker> Workers => _workers;

    /// <summary>The graph run now (its first lane; every lane shares its functions and ports). Changes with <see cref="ReplaceGraphAsync"/>.</summary>
    public PacketGraph Graph => _workers[0].Graph;

    /// <summary>Set when a worker stopped because something threw: the dataplane no longer forwards all it should.</summary>
    public Exception? Fault => _workers.Select(w => w.Fault).FirstOrDefault(f => f is not null);

    /// <summary>Raised on a worker's thread when it stops on a fault.</summary>
    public event Action<Exception>? Faulted;

    /// <summary>Starts every worker.</summary>
    public void Start()
    {
        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

    /// <summary>Stops every worker (each finishes the batch in hand).</summary>
    public void Stop()
    {
        foreach (var worker in _workers)
        {
            worker?.Stop();
        }
    }

    /// <summary>
    /// Runs <paramref name="query"/> while no worker runs the graph, and returns its result: how the control plane reads
    /// functions' tables and changes the graph (arms a trace, attaches a capture). Once the workers have stopped, it runs
    /// on the caller's thread.
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _workers.Length == 1 ? _workers[0].InvokeAsync(query) : ParkedAsync(query);
    }

    private async Task<T> ParkedAsync<T>(Func<T> query)
    {
        using var parked = new CountdownEvent(_workers.Length - 1);
        using var resume = new ManualResetEventSlim();
        try
        {
            for (int i = 1; i < _workers.Length; i++)
            {
                _workers[i].Park(parked, resume);
            }
            return await _workers[0].InvokeAsync(() =>
            {
                parked.Wait();
                return query();
            });
        }
        finally
        {
            resume.Set();
            // Each parked worker leaves its wait before the events are disposed.
            await Task.WhenAll(_workers.Skip(1).Select(w => w.InvokeAsync(() => true)));
        }
    }

    /// <summary>
    /// Changes external port <paramref name="port"/> (<see cref="PipelineWorker.ChangePortAsync"/>): on the worker it is
    /// placed on, or, for a port with a queue on every worker, with all parked, each having stopped polling its queue.
    /// </summary>
    public Task ChangePortAsync(int port, Action<IFramePort> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        int lane = Graph.LaneOfPort(port);
        if (lane >= 0)
        {
            return _workers[lane].ChangePortAsync(port, change);
        }
        return ParkedAsync(() =>
        {
            foreach (var worker in _workers)
            {
                worker.Detach(port);
            }
            try
            {
                change(Graph.Ports[port].Port);
            }
            finally
            {
                foreach (var worker in _workers)
                {
                    worker.Attach(port);
                }
            }
            return true;
        });
    }

    /// <summary>
    /// Replaces the graph the workers run (<see cref="PipelineWorker.ReplaceGraphAsync"/>): with every worker parked,
    /// what one lane had handed to another and the other had not taken yet is run to its end first (nothing in flight is
    /// lost), then <paramref name="replace"/> builds the new graph from the running one and each worker takes its lane.
    /// Returns the graph that ran before.
    /// </summary>
    public Task<PacketGraph> ReplaceGraphAsync(Func<PacketGraph, PacketGraph> replace)
    {
        ArgumentNullException.ThrowIfNull(replace);
        if (_workers.Length == 1)
        {
            return _workers[0].ReplaceGraphAsync(replace);
        }
        return ParkedAsync(() =>
        {
            var old = Graph;
            old.Settle();
            var next = replace(old);
            if (next.Lanes.Count != _workers.Length)
            {
                throw new InvalidOperationException($"The new graph has {next.Lanes.Count} lanes; {_workers.Length} workers run it.");
            }
            for (int i = 0; i < _workers.Length; i++)
            {
                _workers[i].Swap(next.Lanes[i]);
            }
            return old;
        });
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker?.Dispose();
        }
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Tests.Graph;

public class PipelineWorkerTests
{
    private static PacketGraph SmallGraph(INetworkFunction function)
    {
        var builder = new GraphBuilder();
        int f = builder.AddFunction("f", function, 2, OddDropFunction.Reasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(new MemoryPort("a"))), GraphEndpoint.Function(f, 0));
        return builder.Build(new PacketPool(8), new GraphOptions());
    }

    [Fact]
    public async Task Queries_run_on_the_worker_thread_while_it_runs_and_inline_after_it_stopped()
    {
        var worker = new PipelineWorker(SmallGraph(new OddDropFunction()), TimeProvider.System, NullLogger.Instance, "test-worker");
        worker.Start();

        var thread = await worker.InvokeAsync(() => Thread.CurrentThread.Name).WaitAsync(TimeSpan.FromSeconds(5));
        var again = await worker.InvokeAsync(() => 42).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("test-worker", thread);
        Assert.Equal(42, again);

        worker.Dispose();
        var after = await worker.InvokeAsync(() => Environment.CurrentManagedThreadId).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Environment.CurrentManagedThreadId, after);
        Assert.Null(worker.Fault);
    }

    [Fact]
    public async Task A_query_that_throws_faults_its_task_not_the_worker()
    {
        var odd = new OddDropFunction();
        using var worker = new PipelineWorker(SmallGraph(odd), TimeProvider.System, NullLogger.Instance);
        worker.Start();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            worker.InvokeAsync<int>(() => throw new InvalidOperationException("bad query")).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Null(worker.Fault);
        // The worker still ticks its functions afterwards.
        int before = odd.Timers;
        await Task.Delay(350);
        Assert.True(odd.Timers > before, "the worker stopped ticking after a failed query");
    }

    [Fact]
    public async Task Queries_racing_the_stop_each_run_exactly_once_and_none_is_left_waiting()
    {
        // A query may change the graph (attaching a capture), so it must never run on the caller's thread while the
        // worker's last batch may still be running; Stop drains the queue after the thread ended.
        var worker = new PipelineWorker(SmallGraph(new OddDropFunction()), TimeProvider.System, NullLogger.Instance, "test-worker");
        worker.Start();
        var racing = Enumerable.Range(0, 200).Select(i => Task.Run(() => worker.InvokeAsync(() => i))).ToList();
        worker.Stop();

        var results = await Task.WhenAll(racing).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(0, 200), results.Order());
        worker.Dispose();
    }
}

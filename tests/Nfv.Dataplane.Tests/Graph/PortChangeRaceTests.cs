using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>
/// A port closed by a request that runs in the same round of epoll events as that port's own "readable" event (what a
/// lab host vanishing under load does): the stale event must be skipped, not polled on a closed descriptor. It stopped
/// the worker once (ObjectDisposedException), seen in the namespace tests; here the order of the events is forced.
/// </summary>
public class PortChangeRaceTests
{
    /// <summary>A port polled on the read end of a pipe: readable once a byte was written, for good (never drained).</summary>
    private sealed class PipePort(string name, bool deliversOnce) : IFramePort
    {
        private readonly AnonymousPipeServerStream _pipe = new(PipeDirection.Out);
        private bool _delivered;
        private bool _closed;

        public string Name { get; } = name;

        public SafeHandle? PollHandle => _closed ? null : _pipe.ClientSafePipeHandle;

        public PortCounters Counters { get; } = new();

        public PortState State => _closed ? PortState.Gone : PortState.Up;

        public void MakeReadable() => _pipe.WriteByte(1);

        public void Close() => _closed = true;

        public int Receive(PacketBatch batch, PacketPool pool)
        {
            ObjectDisposedException.ThrowIf(_closed, this); // as a TAP's closed SafeHandle does
            if (!deliversOnce || _delivered || pool.Rent() is not { } packet)
            {
                return 0;
            }
            _delivered = true;
            packet.Load(new byte[60]);
            batch.Add(packet);
            return 1;
        }

        public void Send(Packet packet) => packet.Release();

        public void Dispose() => _pipe.Dispose();
    }

    /// <summary>Holds the worker inside its first batch until the test lets it go; drops everything.</summary>
    private sealed class GateFunction : INetworkFunction
    {
        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim Released = new();

        public void Process(PacketBatch batch, Emitter emit)
        {
            Entered.Set();
            Released.Wait(TimeSpan.FromSeconds(10));
            foreach (var packet in batch.AsSpan())
            {
                emit.Drop(packet, 0);
            }
        }
    }

    [Fact]
    public async Task A_port_closed_in_the_round_that_reported_it_readable_is_not_polled()
    {
        using var x = new PipePort("x", deliversOnce: true);
        using var y = new PipePort("y", deliversOnce: false);
        var gate = new GateFunction();
        var builder = new GraphBuilder();
        int f = builder.AddFunction("gate", gate, 2, ["Dropped"]);
        builder.Link(GraphEndpoint.External(builder.AddPort(x)), GraphEndpoint.Function(f, 0));
        builder.Link(GraphEndpoint.External(builder.AddPort(y)), GraphEndpoint.Function(f, 1));
        using var worker = new PipelineWorker(builder.Build(new PacketPool(8), new GraphOptions()), TimeProvider.System,
            NullLogger.Instance, busyPoll: TimeSpan.Zero);
        worker.Start();

        x.MakeReadable(); // x heads epoll's ready list from now on
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(5)), "the worker never read x");
        var closing = worker.ChangePortAsync(1, port => ((PipePort)port).Close()); // the wake event is ready next...
        y.MakeReadable(); // ...then y: the next epoll_wait reports x, the wake, y, in that order
        gate.Released.Set();
        await closing.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(200);

        Assert.Null(worker.Fault);
        Assert.Equal(PortState.Gone, y.State);
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>
/// Two workers on two threads, over socket ports (no privilege needed): port a and the wire function on worker 0, port b
/// on worker 1, so every frame is handed over once each way. Frames must all arrive, in order, through a query and a
/// graph replacement made while they flow, and every packet must be back in its own pool at the end.
/// </summary>
public sealed class WorkerGroupTests : IDisposable
{
    private const int Frames = 20_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-workers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Socket Client(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_directory, name)));
        socket.ReceiveTimeout = 5_000;
        return socket;
    }

    private static PacketGraph Build(UnixDatagramPort a, UnixDatagramPort b, INetworkFunction wire, IReadOnlyList<PacketPool> pools)
    {
        var builder = new GraphBuilder();
        int f = builder.AddFunction("wire", wire, 2, []);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(f, 0));
        builder.Link(GraphEndpoint.Function(f, 1), GraphEndpoint.External(builder.AddPort(b)));
        return builder.Build(pools, new GraphOptions());
    }

    [Fact]
    public async Task Frames_cross_two_workers_in_order_through_a_query_and_a_replacement_and_every_packet_goes_home()
    {
        using var clientA = Client("client-a");
        using var clientB = Client("client-b");
        using var a = UnixDatagramPort.Open("a", Path.Combine(_directory, "a"), Path.Combine(_directory, "client-a"));
        using var b = UnixDatagramPort.Open("b", Path.Combine(_directory, "b"), Path.Combine(_directory, "client-b"));
        PacketPool[] pools = [new PacketPool(64), new PacketPool(64)];
        var wire = new WireFunction();
        var graph = Build(a, b, wire, pools);
        Assert.Equal([0, 1], [graph.LaneOfPort(0), graph.LaneOfPort(1)]);
        using var workers = new WorkerGroup(graph, TimeProvider.System, NullLogger.Instance);
        workers.Start();

        long received = 0;
        int outOfOrder = 0;
        var receiver = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[2048];
            while (received < Frames)
            {
                int length = clientB.Receive(buffer); // throws after 5 s without a frame
                if (BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(14)) != received)
                {
                    outOfOrder++;
                }
                Interlocked.Increment(ref received);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var to = new UnixDomainSocketEndPoint(Path.Combine(_directory, "a"));
        var frame = new byte[60];
        var deadline = Stopwatch.StartNew();
        PacketGraph? replaced = null;
        for (int i = 0; i < Frames && deadline.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            while (i - Interlocked.Read(ref received) > 8 && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Yield(); // at most 8 in flight: a datagram socket queues 10 (net.unix.max_dgram_qlen), past that nfv's send fails
            }
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(14), i);
            clientA.SendTo(frame, to);
            if (i == Frames / 3)
            {
                // A query sees the graph still, with both workers parked.
                long handled = await workers.InvokeAsync(() => workers.Graph.Functions[0].ProcessedPackets);
                Assert.InRange(handled, i - 8, i + 1);
            }
            if (i == 2 * Frames / 3)
            {
                replaced = await workers.ReplaceGraphAsync(old =>
                {
                    var next = Build(a, b, wire, [.. old.Lanes.Select(l => l.Pool)]);
                    next.CarryOver(old);
                    return next;
                });
            }
        }
        await receiver.WaitAsync(TimeSpan.FromSeconds(30));
        workers.Stop();

        Assert.Equal(Frames, received);
        Assert.Equal(0, outOfOrder);
        Assert.NotNull(replaced);
        Assert.NotSame(replaced, workers.Graph);
        Assert.Equal(Frames, workers.Graph.Functions[0].ProcessedPackets); // carried over the replacement
        Assert.Equal(0, workers.Graph.TotalDrops().Sum());
        Assert.Equal([64, 64], pools.Select(p => p.Available)); // worker 1's packets, released by worker 0, went home
    }
}

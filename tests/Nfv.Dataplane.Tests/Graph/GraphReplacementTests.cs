using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tracing;
using Nfv.Testing;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>
/// A running worker given a new graph (nfv apply): the ports it keeps go on being polled under their new indices, new
/// ones are polled, ones left out are not, and the graph's own counts carry over. Socket ports need no privilege.
/// </summary>
public sealed class GraphReplacementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-swap-").FullName;
    private readonly List<IDisposable> _open = [];

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(_open))
        {
            item.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }

    private T Track<T>(T item) where T : IDisposable
    {
        _open.Add(item);
        return item;
    }

    // A port, and the program attached to it: each knows the other's path.
    private (UnixDatagramPort Port, Socket Peer) Wire(string name)
    {
        string port = Path.Combine(_directory, name + ".sock"), peer = Path.Combine(_directory, name + ".peer.sock");
        var socket = Track(new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified));
        socket.Bind(new UnixDomainSocketEndPoint(peer));
        socket.ReceiveTimeout = 2000;
        return (Track(UnixDatagramPort.Open(name, port, peer)), socket);
    }

    private static PacketGraph Linked(params (IFramePort A, IFramePort B)[] pairs)
    {
        var builder = new GraphBuilder();
        foreach (var (a, b) in pairs)
        {
            builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.External(builder.AddPort(b)));
        }
        return builder.Build(new PacketPool(64), new GraphOptions());
    }

    private static void Send(Socket from, string to, byte[] frame) => from.SendTo(frame, new UnixDomainSocketEndPoint(to));

    private static byte[] Receive(Socket socket)
    {
        var buffer = new byte[2048];
        return buffer[..socket.Receive(buffer)];
    }

    [Fact]
    public async Task Frames_follow_the_new_links_at_once_and_a_port_left_out_is_no_longer_read()
    {
        var (a, peerA) = Wire("a");
        var (b, peerB) = Wire("b");
        var (c, peerC) = Wire("c");
        using var worker = new PipelineWorker(Linked((a, b)), TimeProvider.System, NullLogger.Instance);
        worker.Start();
        var frame = FrameBuilder.Ethernet(FrameBuilder.Mac(2), FrameBuilder.Mac(1));
        Send(peerA, Path.Combine(_directory, "a.sock"), frame);
        Assert.Equal(frame, Receive(peerB));

        // c first, a second: a's index changes from 0 to 1.
        var previous = await worker.ReplaceGraphAsync(old => Linked((c, a))).WaitAsync(TimeSpan.FromSeconds(5));

        Send(peerA, Path.Combine(_directory, "a.sock"), frame);
        Assert.Equal(frame, Receive(peerC));
        Send(peerC, Path.Combine(_directory, "c.sock"), frame);
        Assert.Equal(frame, Receive(peerA));
        Send(peerB, Path.Combine(_directory, "b.sock"), frame); // b is in no graph now: nobody reads it
        await Task.Delay(100);
        Assert.Equal(1, b.Counters.Traffic[PortTraffic.ReceivedPackets] + b.Counters.Traffic[PortTraffic.SentPackets]);
        Assert.Equal(2, a.Counters.Traffic[PortTraffic.ReceivedPackets]);
        Assert.Same(worker.Graph.Ports[1].Port, a);
        Assert.Same(previous.Ports[0].Port, a);
        Assert.Null(worker.Fault);
    }

    [Fact]
    public async Task A_trace_on_a_port_follows_it_to_its_new_index_and_ends_when_the_port_is_removed()
    {
        var (a, peerA) = Wire("a");
        var (b, _) = Wire("b");
        var (c, peerC) = Wire("c");
        using var worker = new PipelineWorker(Linked((a, b)), TimeProvider.System, NullLogger.Instance);
        worker.Start();
        var session = new TraceSession(5, ingressPort: 0); // `nfv trace ... in a`: a is port 0
        await worker.InvokeAsync(() => { worker.Graph.ArmTrace(session); return true; }).WaitAsync(TimeSpan.FromSeconds(5));

        // c first, a second (as nfv apply builds it: the new graph takes over the old one's state).
        await worker.ReplaceGraphAsync(old => Carried(old, Linked((c, a)))).WaitAsync(TimeSpan.FromSeconds(5));
        var fromC = FrameBuilder.Ethernet(FrameBuilder.Mac(1), FrameBuilder.Mac(3));
        var fromA = FrameBuilder.Ethernet(FrameBuilder.Mac(3), FrameBuilder.Mac(1));
        Send(peerC, Path.Combine(_directory, "c.sock"), fromC);
        Assert.Equal(fromC, Receive(peerA));
        Send(peerA, Path.Combine(_directory, "a.sock"), fromA);
        Assert.Equal(fromA, Receive(peerC));

        // The first trace is a's frame: c's, now on a's old index 0, was not traced.
        var trace = await session.Traces.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("a", trace.Port);

        // a leaves the lab: the trace ends rather than follow whatever port takes its index.
        await worker.ReplaceGraphAsync(old => Carried(old, Linked((b, c)))).WaitAsync(TimeSpan.FromSeconds(5));
        await session.Traces.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(worker.Graph.ArmedTrace);
    }

    [Fact]
    public async Task A_capture_goes_on_recording_its_link_in_the_graph_that_replaced_its_own_and_is_told_when_the_link_goes()
    {
        var (a, peerA) = Wire("a");
        var (b, peerB) = Wire("b");
        var (c, _) = Wire("c");
        var (d, _) = Wire("d");
        using var worker = new PipelineWorker(Linked((a, b)), TimeProvider.System, NullLogger.Instance);
        worker.Start();
        using var capture = new LinkCapture("a <-> b", PcapWriter.Create(new MemoryStream(), "a <-> b"), TimeProvider.System);
        await worker.InvokeAsync(() => { worker.Graph.AttachCapture(GraphEndpoint.External(0), GraphEndpoint.External(1), capture); return true; })
            .WaitAsync(TimeSpan.FromSeconds(5));

        // The same link, now ports 2 and 3.
        await worker.ReplaceGraphAsync(old => Carried(old, Linked((c, d), (a, b)))).WaitAsync(TimeSpan.FromSeconds(5));
        var frame = FrameBuilder.Ethernet(FrameBuilder.Mac(2), FrameBuilder.Mac(1));
        Send(peerA, Path.Combine(_directory, "a.sock"), frame);
        Assert.Equal(frame, Receive(peerB));
        Assert.Equal(1, capture.Captured);

        // Detached from the graph that runs now, by the capture alone: nothing more is recorded.
        Assert.True(await worker.InvokeAsync(() => worker.Graph.DetachCapture(capture)).WaitAsync(TimeSpan.FromSeconds(5)));
        Send(peerA, Path.Combine(_directory, "a.sock"), frame);
        Assert.Equal(frame, Receive(peerB));
        Assert.Equal(1, capture.Captured);
        Assert.False(capture.LinkRemoved);

        // Attached again, then a and b are no longer linked to each other: the capture is told, and not carried.
        await worker.InvokeAsync(() => { worker.Graph.AttachCapture(GraphEndpoint.External(2), GraphEndpoint.External(3), capture); return true; })
            .WaitAsync(TimeSpan.FromSeconds(5));
        await worker.ReplaceGraphAsync(old => Carried(old, Linked((a, c), (b, d)))).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(capture.LinkRemoved);
        Assert.False(await worker.InvokeAsync(() => worker.Graph.DetachCapture(capture)).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static PacketGraph Carried(PacketGraph old, PacketGraph next)
    {
        next.CarryOver(old);
        return next;
    }

    [Fact]
    public async Task A_replacement_that_throws_changes_nothing()
    {
        var (a, peerA) = Wire("a");
        var (b, peerB) = Wire("b");
        using var worker = new PipelineWorker(Linked((a, b)), TimeProvider.System, NullLogger.Instance);
        worker.Start();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            worker.ReplaceGraphAsync(_ => throw new InvalidOperationException("no")).WaitAsync(TimeSpan.FromSeconds(5)));

        var frame = FrameBuilder.Ethernet(FrameBuilder.Mac(2), FrameBuilder.Mac(1));
        Send(peerA, Path.Combine(_directory, "a.sock"), frame);
        Assert.Equal(frame, Receive(peerB));
        Assert.Null(worker.Fault);
    }
}

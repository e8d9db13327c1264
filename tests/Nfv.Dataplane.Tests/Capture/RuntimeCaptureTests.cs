using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tests.Graph;

namespace Nfv.Dataplane.Tests.Capture;

/// <summary>Captures attached to and detached from a running graph (<c>nfv capture</c>), written into memory.</summary>
public class RuntimeCaptureTests
{
    private static readonly string[] NoReasons = [];

    private static byte[] Frame(byte tag, int length = 60)
    {
        var frame = new byte[length];
        frame.AsSpan().Fill(tag);
        return frame;
    }

    private static (LinkCapture Capture, MemoryStream Stream) MemoryCapture(string name)
    {
        var stream = new MemoryStream();
        return (new LinkCapture(name, PcapWriter.Create(stream, name), TimeProvider.System, 1 << 20), stream);
    }

    // The first byte of each frame in a pcap held in memory.
    private static List<byte> Tags(MemoryStream stream)
    {
        var bytes = stream.ToArray();
        Assert.Equal(0xa1b2c3d4u, BitConverter.ToUInt32(bytes, 0));
        var tags = new List<byte>();
        for (int at = 24; at < bytes.Length; at += 16 + (int)BitConverter.ToUInt32(bytes, at + 8))
        {
            tags.Add(bytes[at + 16]);
        }
        return tags;
    }

    /// <summary>a &lt;-&gt; wire.0, wire.1 &lt;-&gt; b.</summary>
    private static (PacketGraph Graph, MemoryPort A, MemoryPort B, GraphEndpoint PortA, GraphEndpoint WireIn) Build(LinkCapture? fileCapture = null)
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        var pa = GraphEndpoint.External(builder.AddPort(a));
        var wireIn = GraphEndpoint.Function(wire, 0);
        builder.Link(pa, wireIn, fileCapture);
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(builder.AddPort(b)));
        return (builder.Build(new PacketPool(16), new GraphOptions()), a, b, pa, wireIn);
    }

    [Fact]
    public void A_capture_attached_while_running_records_both_ways_until_detached()
    {
        var (graph, a, b, pa, wireIn) = Build();
        var (capture, stream) = MemoryCapture("a <-> wire.0");

        a.Enqueue(Frame(1));
        graph.Poll(0);                                   // before: not captured
        graph.AttachCapture(pa, wireIn, capture);
        a.Enqueue(Frame(2));
        graph.Poll(0);                                   // a -> wire: captured at the port
        b.Enqueue(Frame(3));
        graph.Poll(1);                                   // b -> wire -> a: captured leaving the function
        Assert.True(graph.DetachCapture(pa, wireIn, capture));
        a.Enqueue(Frame(4));
        graph.Poll(0);                                   // after: not captured
        capture.Drain();

        Assert.Equal([2, 3], Tags(stream));
        Assert.Equal(3, b.Sent.Count);
        Assert.Single(a.Sent);
        Assert.False(graph.DetachCapture(pa, wireIn, capture), "detaching twice finds nothing");
    }

    [Fact]
    public void Several_captures_of_one_link_and_its_capture_file_each_get_every_frame_and_detach_independently()
    {
        var (file, fileStream) = MemoryCapture("file");
        var (graph, a, _, pa, wireIn) = Build(file);
        var (first, firstStream) = MemoryCapture("first");
        var (second, secondStream) = MemoryCapture("second");

        graph.AttachCapture(wireIn, pa, first);          // either end order names the link
        graph.AttachCapture(pa, wireIn, second);
        a.Enqueue(Frame(1));
        graph.Poll(0);
        Assert.True(graph.DetachCapture(pa, wireIn, first));
        a.Enqueue(Frame(2));
        graph.Poll(0);
        Assert.True(graph.DetachCapture(pa, wireIn, second));
        a.Enqueue(Frame(3));
        graph.Poll(0);
        foreach (var capture in new[] { file, first, second })
        {
            capture.Drain();
        }

        Assert.Equal([1, 2, 3], Tags(fileStream));
        Assert.Equal([1], Tags(firstStream));
        Assert.Equal([1, 2], Tags(secondStream));
    }

    [Fact]
    public void Endpoints_that_are_not_linked_to_each_other_are_refused()
    {
        var (graph, _, _, pa, _) = Build();
        var (capture, _) = MemoryCapture("x");
        Assert.Throws<ArgumentException>(() => graph.AttachCapture(pa, GraphEndpoint.Function(0, 1), capture));
        graph.AttachCapture(pa, GraphEndpoint.Function(0, 0), capture);
        Assert.Throws<ArgumentException>(() => graph.AttachCapture(pa, GraphEndpoint.Function(0, 0), capture));
    }

    [Fact]
    public void Draining_stops_at_the_count_asked_for_and_leaves_the_rest()
    {
        var (capture, stream) = MemoryCapture("x");
        var pool = new PacketPool(1);
        var packet = pool.Rent()!;
        for (byte i = 0; i < 5; i++)
        {
            packet.Load(Frame(i));
            capture.Record(packet);
        }
        packet.Release();

        Assert.Equal(3, capture.Drain(3));
        Assert.Equal([0, 1, 2], Tags(stream));
        Assert.Equal(2, capture.Drain());
    }
}

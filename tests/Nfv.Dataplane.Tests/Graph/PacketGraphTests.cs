using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Tests.Graph;

public class PacketGraphTests
{
    private static readonly string[] NoReasons = [];

    private static byte[] Frame(byte first, int length = 60)
    {
        var frame = new byte[length];
        frame[0] = first;
        frame[^1] = 0xEE;
        return frame;
    }

    /// <summary>Two memory ports wired straight to each other, with <paramref name="frames"/> frames waiting on the first.</summary>
    private static (PacketGraph Graph, MemoryPort A, MemoryPort B) PortToPort(PacketPool pool, int receiveBatchSize, int frames)
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.External(builder.AddPort(b)));
        for (int i = 0; i < frames; i++)
        {
            a.Enqueue(Frame((byte)i));
        }
        return (builder.Build(pool, new GraphOptions { ReceiveBatchSize = receiveBatchSize }), a, b);
    }

    [Fact]
    public void Frame_crosses_a_function_between_two_ports_unchanged()
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        int pa = builder.AddPort(a);
        int pb = builder.AddPort(b);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(pb));
        var pool = new PacketPool(16);
        var graph = builder.Build(pool, new GraphOptions());

        var offload = new VirtioNetHeader { Flags = VirtioNetHeader.FlagNeedsChecksum, ChecksumStart = 34, ChecksumOffset = 16 };
        a.Enqueue(Frame(2, 1514), offload);
        Assert.Equal(1, graph.Poll(pa));

        var (frame, sentOffload) = Assert.Single(b.Sent);
        Assert.Equal(Frame(2, 1514), frame);
        Assert.Equal(offload, sentOffload);
        Assert.Empty(a.Sent);
        Assert.Equal(16, pool.Available);
    }

    [Fact]
    public void A_function_may_send_in_one_batch_a_packet_it_held_in_an_earlier_one()
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int hold = builder.AddFunction("hold", new HoldOneFunction(), 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(hold, 0));
        builder.Link(GraphEndpoint.Function(hold, 1), GraphEndpoint.External(builder.AddPort(b)));
        var pool = new PacketPool(4, 2048);
        var graph = builder.Build(pool, new GraphOptions());

        a.Enqueue(Frame(1));
        graph.Poll(0);
        Assert.Empty(b.Sent);
        a.Enqueue(Frame(2));
        graph.Poll(0); // the debug build's packet accounting once took this for a function sending more than it had

        Assert.Equal([1, 2], b.Sent.Select(s => (int)s.Frame[0]));
        Assert.Equal(4, pool.Available);
    }

    [Fact]
    public void Poll_reads_at_most_one_batch_and_leaves_the_rest_waiting()
    {
        var (graph, a, b) = PortToPort(new PacketPool(64), receiveBatchSize: 4, frames: 10);
        int pa = 0;

        Assert.Equal(4, graph.Poll(pa));
        Assert.Equal(6, a.Pending);
        Assert.Equal(4, b.Sent.Count);
        Assert.Equal([0, 1, 2, 3], b.Sent.Select(s => (int)s.Frame[0]));
    }

    [Fact]
    public void Ping_pong_between_two_functions_is_cut_by_the_hop_guard_and_counted()
    {
        // `toZero` sends everything out of port 0, where `mirror` sends it straight back: a loop.
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        int toZero = builder.AddFunction("toZero", new ToPortZeroFunction(), 2, NoReasons);
        int mirror = builder.AddFunction("mirror", new ReflectFunction(), 1, NoReasons);
        int pa = builder.AddPort(a);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(toZero, 1));
        builder.Link(GraphEndpoint.Function(toZero, 0), GraphEndpoint.Function(mirror, 0));
        var pool = new PacketPool(8);
        var graph = builder.Build(pool, new GraphOptions { MaxHops = 10 });

        a.Enqueue(Frame(0));
        graph.Poll(pa);

        Assert.Equal(1, graph.Drops[(int)GraphDrop.LoopGuard]);
        Assert.Equal(5, graph.Functions[toZero].ProcessedPackets);
        Assert.Equal(5, graph.Functions[mirror].ProcessedPackets);
        Assert.Empty(a.Sent);
        Assert.Equal(8, pool.Available);
    }

    [Fact]
    public void L2_loop_of_flooding_functions_ends_with_every_packet_back_in_the_pool()
    {
        // Two 3-port flooders joined by two wires: a broadcast storm in a real network.
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int s1 = builder.AddFunction("s1", new FloodFunction(3), 3, NoReasons);
        int s2 = builder.AddFunction("s2", new FloodFunction(3), 3, NoReasons);
        int pa = builder.AddPort(a);
        int pb = builder.AddPort(b);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(s1, 0));
        builder.Link(GraphEndpoint.External(pb), GraphEndpoint.Function(s2, 0));
        builder.Link(GraphEndpoint.Function(s1, 1), GraphEndpoint.Function(s2, 1));
        builder.Link(GraphEndpoint.Function(s1, 2), GraphEndpoint.Function(s2, 2));
        var pool = new PacketPool(64);
        var graph = builder.Build(pool, new GraphOptions { MaxHops = 8 });

        a.Enqueue(Frame(0xFF));
        graph.Poll(pa);

        Assert.True(graph.Drops[(int)GraphDrop.LoopGuard] > 0, "the loop guard must have cut the storm");
        Assert.NotEmpty(b.Sent);
        Assert.Equal(64, pool.Available);
    }

    [Fact]
    public void Drops_are_counted_by_reason_and_unconnected_outputs_by_the_graph()
    {
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        var odd = new OddDropFunction();
        int f = builder.AddFunction("odd", odd, 2, OddDropFunction.Reasons);
        int pa = builder.AddPort(a);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(f, 0));
        var pool = new PacketPool(16);
        var graph = builder.Build(pool, new GraphOptions());

        a.Enqueue(Frame(1));
        a.Enqueue(Frame(3));
        a.Enqueue(Frame(4));
        graph.Poll(pa);

        var node = graph.Functions[f];
        Assert.Equal([0, 2], node.TotalDrops());
        Assert.Equal(1, graph.Drops[(int)GraphDrop.Unconnected]);
        Assert.Equal(3, node.ProcessedPackets);
        Assert.Equal(16, pool.Available);
    }

    [Fact]
    public void Frames_from_an_unlinked_port_are_counted_and_released()
    {
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        int pa = builder.AddPort(a);
        var pool = new PacketPool(4);
        var graph = builder.Build(pool, new GraphOptions());
        a.Enqueue(Frame(0));
        graph.Poll(pa);
        Assert.Equal(1, graph.Ports[pa].Unconnected);
        Assert.Equal(4, pool.Available);
    }

    [Fact]
    public void Empty_pool_stops_receiving_and_counts_it()
    {
        var (graph, a, b) = PortToPort(new PacketPool(2), receiveBatchSize: 8, frames: 5);
        int pa = 0;
        Assert.Equal(2, graph.Poll(pa));
        Assert.Equal(1, a.Counters.Drops[PortDrop.NoBuffer]);
        Assert.Equal(2, graph.Poll(pa));
        Assert.Equal(1, graph.Poll(pa));
        Assert.Equal(5, b.Sent.Count);
    }

    [Fact]
    public void Tick_reaches_every_function()
    {
        var builder = new GraphBuilder();
        var odd = new OddDropFunction();
        builder.AddFunction("odd", odd, 2, OddDropFunction.Reasons);
        var graph = builder.Build(new PacketPool(4), new GraphOptions());
        graph.Tick();
        graph.Tick();
        Assert.Equal(2, odd.Timers);
    }

    [Fact]
    public void Linking_an_endpoint_twice_or_a_missing_one_is_refused()
    {
        var builder = new GraphBuilder();
        int f = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        int p = builder.AddPort(new MemoryPort("a"));
        int q = builder.AddPort(new MemoryPort("b"));
        builder.Link(GraphEndpoint.External(p), GraphEndpoint.Function(f, 0));
        builder.Link(GraphEndpoint.External(q), GraphEndpoint.Function(f, 0));
        Assert.Throws<InvalidOperationException>(() => builder.Build(new PacketPool(4), new GraphOptions()));

        var missing = new GraphBuilder();
        int g = missing.AddFunction("wire", new WireFunction(), 2, NoReasons);
        missing.Link(GraphEndpoint.Function(g, 5), GraphEndpoint.Function(g, 0));
        Assert.Throws<InvalidOperationException>(() => missing.Build(new PacketPool(4), new GraphOptions()));
    }
}

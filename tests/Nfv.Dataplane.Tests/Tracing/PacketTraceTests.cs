using Nfv.Abstractions;
using Nfv.Benchmarks;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tests.Graph;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Tests.Tracing;

public class PacketTraceTests
{
    private static readonly string[] NoReasons = [];
    private static readonly string[] InOut = ["in", "out"];

    private static byte[] Frame(byte first, int length = 60)
    {
        var frame = new byte[length];
        frame[0] = first;
        return frame;
    }

    /// <summary>a -> wire -> decide -> b: the frame crosses two functions; decide states a decision and drops odd frames.</summary>
    private static (PacketGraph Graph, MemoryPort A, MemoryPort B) Chain(int poolSize = 32)
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons, InOut);
        int decide = builder.AddFunction("decide", new DecidingFunction(), 2, DecidingFunction.Reasons, InOut);
        int pa = builder.AddPort(a);
        int pb = builder.AddPort(b);
        builder.Link(GraphEndpoint.External(pa), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.Function(decide, 0));
        builder.Link(GraphEndpoint.Function(decide, 1), GraphEndpoint.External(pb));
        return (builder.Build(new PacketPool(poolSize), new GraphOptions()), a, b);
    }

    private static List<PacketTrace> Drain(TraceSession session)
    {
        var traces = new List<PacketTrace>();
        while (session.Traces.TryRead(out var trace))
        {
            traces.Add(trace);
        }
        return traces;
    }

    [Fact]
    public void A_traced_frame_records_each_function_its_input_port_its_decisions_and_the_port_it_left_by()
    {
        var (graph, a, b) = Chain();
        var session = new TraceSession(1);
        graph.ArmTrace(session);

        a.Enqueue(Frame(2, 98));
        graph.Poll(0);

        var trace = Assert.Single(Drain(session));
        Assert.Equal(1, trace.Number);
        Assert.Equal("a", trace.Port);
        Assert.Equal(98, trace.Length);
        Assert.Equal(
            [
                new PacketTraceStep(1, "wire", "in", TraceStepKind.Output, "out -> decide.in"),
                new PacketTraceStep(2, "decide", "in", TraceStepKind.Decision, "first byte 2: passed"),
                new PacketTraceStep(2, "decide", "in", TraceStepKind.Output, "out -> port b"),
            ],
            trace.Steps);
        Assert.Single(b.Sent);
        Assert.True(session.Traces.Completion.IsCompleted, "a session of one frame ends after that frame");
        Assert.Null(graph.ArmedTrace);
    }

    [Fact]
    public void A_dropped_frame_ends_its_trace_with_the_functions_drop_reason_by_name()
    {
        var (graph, a, _) = Chain();
        var session = new TraceSession(1);
        graph.ArmTrace(session);

        a.Enqueue(Frame(3));
        graph.Poll(0);

        var trace = Assert.Single(Drain(session));
        Assert.Equal(new PacketTraceStep(2, "decide", "in", TraceStepKind.Decision, "first byte 3: dropped"), trace.Steps[^2]);
        Assert.Equal(new PacketTraceStep(2, "decide", "in", TraceStepKind.Drop, "Odd"), trace.Steps[^1]);
    }

    [Fact]
    public void The_session_traces_exactly_its_count_of_frames_then_disarms_itself()
    {
        var (graph, a, b) = Chain();
        var session = new TraceSession(3);
        graph.ArmTrace(session);

        for (int i = 0; i < 5; i++)
        {
            a.Enqueue(Frame((byte)(2 * i)));
        }
        graph.Poll(0);
        a.Enqueue(Frame(20));
        graph.Poll(0);

        var traces = Drain(session);
        Assert.Equal([1, 2, 3], traces.Select(t => t.Number));
        Assert.Equal(["first byte 0: passed", "first byte 2: passed", "first byte 4: passed"],
            traces.Select(t => t.Steps.Single(s => s.Kind == TraceStepKind.Decision).Text));
        Assert.True(session.Traces.Completion.IsCompleted);
        Assert.Null(graph.ArmedTrace);
        Assert.Equal(6, b.Sent.Count); // tracing changes nothing about forwarding
    }

    [Fact]
    public void Only_frames_matching_the_filter_and_ingress_port_are_traced()
    {
        var a = new MemoryPort("a");
        var c = new MemoryPort("c");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int flood = builder.AddFunction("flood", new FloodFunction(3), 3, NoReasons, ["a", "b", "c"]);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(flood, 0));
        builder.Link(GraphEndpoint.External(builder.AddPort(b)), GraphEndpoint.Function(flood, 1));
        builder.Link(GraphEndpoint.External(builder.AddPort(c)), GraphEndpoint.Function(flood, 2));
        var graph = builder.Build(new PacketPool(32), new GraphOptions());
        Assert.True(TraceFilter.TryParse("arp", out var filter, out _));
        var session = new TraceSession(1, filter, ingressPort: 2);
        graph.ArmTrace(session);

        var arp = Frame(0xFF);
        arp[12] = 0x08;
        arp[13] = 0x06;
        var ipv4 = Frame(0xFF);
        ipv4[12] = 0x08;
        a.Enqueue(arp);    // right type, wrong port
        graph.Poll(0);
        c.Enqueue(ipv4);   // right port, wrong type
        graph.Poll(2);
        Assert.Empty(Drain(session));
        c.Enqueue(arp);
        graph.Poll(2);

        var trace = Assert.Single(Drain(session));
        Assert.Equal("c", trace.Port);
        Assert.Contains("EtherType 0x0806", trace.Summary, StringComparison.Ordinal); // a truncated ARP body is summarised by type
        // A flood's copies stay in their original's trace: one output per other port.
        Assert.Equal(["a -> port a", "b -> port b"], trace.Steps.Where(s => s.Kind == TraceStepKind.Output).Select(s => s.Text).Order());
    }

    [Fact]
    public void Graph_drops_are_traced_with_their_reason()
    {
        // The loop guard: toZero sends everything out of port 0, where mirror sends it straight back.
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        int toZero = builder.AddFunction("toZero", new ToPortZeroFunction(), 2, NoReasons);
        int mirror = builder.AddFunction("mirror", new ReflectFunction(), 1, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(toZero, 1));
        builder.Link(GraphEndpoint.Function(toZero, 0), GraphEndpoint.Function(mirror, 0));
        var graph = builder.Build(new PacketPool(8), new GraphOptions { MaxHops = 4 });
        var session = new TraceSession(1);
        graph.ArmTrace(session);

        a.Enqueue(Frame(0));
        graph.Poll(0);

        var trace = Assert.Single(Drain(session));
        Assert.Equal(["toZero", "mirror", "toZero", "mirror"], trace.Steps.Where(s => s.Kind == TraceStepKind.Output).Select(s => s.Function));
        var last = trace.Steps[^1];
        Assert.Equal(TraceStepKind.Drop, last.Kind);
        Assert.StartsWith("LoopGuard", last.Text, StringComparison.Ordinal);
        Assert.Equal(8, graph.Pool.Available);
    }

    [Fact]
    public void Disarming_ends_the_session_and_later_frames_are_not_traced()
    {
        var (graph, a, _) = Chain();
        var session = new TraceSession(5);
        graph.ArmTrace(session);
        a.Enqueue(Frame(2));
        graph.Poll(0);

        Assert.True(graph.DisarmTrace(session));
        a.Enqueue(Frame(4));
        graph.Poll(0);

        Assert.Single(Drain(session));
        Assert.True(session.Traces.Completion.IsCompleted);
        Assert.Throws<InvalidOperationException>(() =>
        {
            graph.ArmTrace(new TraceSession(1));
            graph.ArmTrace(new TraceSession(1));
        });
    }

    [Fact]
    public void A_copy_that_outlives_its_pass_is_not_recorded_into_a_later_trace()
    {
        var (graph, a, _) = Chain();
        var session = new TraceSession(2);
        graph.ArmTrace(session);
        a.Enqueue(Frame(2));
        graph.Poll(0);
        // A function that kept a copy (an ARP queue does) sends it in a later pass, while another frame is traced.
        var held = graph.Pool.Rent()!;
        held.Load(Frame(6));
        held.TraceId = 1;
        a.Enqueue(Frame(8));
        graph.Poll(0);

        var traces = Drain(session);
        Assert.Equal(2, traces.Count);
        Assert.All(traces[1].Steps, s => Assert.DoesNotContain("byte 6", s.Text, StringComparison.Ordinal));
        held.Release();
    }

    [Fact]
    public void An_untraced_graph_allocates_nothing_per_packet_and_neither_does_a_disarmed_one()
    {
        var input = new RepeatingPort("a", Frame(2));
        var output = new RepeatingPort("b", Frame(2));
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons, InOut);
        int decide = builder.AddFunction("decide", new DecidingFunction(), 2, DecidingFunction.Reasons, InOut);
        builder.Link(GraphEndpoint.External(builder.AddPort(input)), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.Function(decide, 0));
        builder.Link(GraphEndpoint.Function(decide, 1), GraphEndpoint.External(builder.AddPort(output)));
        var graph = builder.Build(new PacketPool(128), new GraphOptions { ReceiveBatchSize = 64 });

        // Arm and finish one session first, so the disarmed state after tracing is what is measured.
        var session = new TraceSession(1);
        graph.ArmTrace(session);
        for (int i = 0; i < 200; i++)
        {
            graph.Poll(0); // warm up (tiered JIT)
        }
        Assert.Null(graph.ArmedTrace);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            graph.Poll(0);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 64,000 packets, each stating a decision: one allocation per packet would be megabytes. The runtime may put a
        // one-off few KB on the thread (tiering), so the bound is under one byte per 10 packets.
        Assert.True(allocated < 6_400, $"{allocated} bytes allocated for 64,000 untraced packets");
        Assert.Equal(1200 * 64, output.Sent);
    }
}

using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>
/// A graph built for two workers, run here on one thread, lane by lane, so each step is seen: a packet for a function or
/// port placed on the other lane waits in the handoff ring until that lane takes it, and goes home to its own pool.
/// </summary>
public class GraphLaneTests
{
    private static readonly string[] NoReasons = [];

    // a (lane 1) <-> wire (lane 0) <-> b (lane 1): every frame crosses twice.
    private static (PacketGraph Lane0, PacketGraph Lane1, MemoryPort A, MemoryPort B, PacketPool[] Pools) WireAcrossLanes()
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(builder.AddPort(b)));
        PacketPool[] pools = [new PacketPool(16, 2048), new PacketPool(16, 2048)];
        var graph = builder.Build(pools, new GraphOptions(), functionLanes: [0], portLanes: [1, 1]);
        return (graph.Lanes[0], graph.Lanes[1], a, b, pools);
    }

    [Fact]
    public void A_frame_crosses_to_the_lane_of_its_function_and_back_to_the_lane_of_its_port()
    {
        var (lane0, lane1, a, b, pools) = WireAcrossLanes();
        Assert.Same(lane0, lane1.Lanes[0]);
        Assert.Same(lane0.Functions, lane1.Functions);
        a.Enqueue(new byte[60]);

        Assert.Equal(1, lane1.Poll(0));
        Assert.Empty(b.Sent); // waiting for lane 0, which runs the function
        Assert.Equal(0, lane0.Functions[0].ProcessedPackets);

        Assert.Equal(1, lane0.PollHandoffs());
        Assert.Equal(1, lane0.Functions[0].ProcessedPackets);
        Assert.Empty(b.Sent); // b is lane 1's to write

        Assert.Equal(1, lane1.PollHandoffs());
        Assert.Single(b.Sent);
        Assert.Equal(0, lane0.PollHandoffs() + lane1.PollHandoffs());
        Assert.Equal(16, pools[0].Available);
        Assert.Equal(16, pools[1].Available); // rented by lane 1, back home
    }

    [Fact]
    public void Settle_runs_what_is_in_flight_between_lanes_to_its_end()
    {
        var (lane0, lane1, a, b, pools) = WireAcrossLanes();
        for (int i = 0; i < 5; i++)
        {
            a.Enqueue([(byte)i, .. new byte[59]]);
        }
        Assert.Equal(5, lane1.Poll(0));

        lane1.Settle(); // any lane: it runs them all

        Assert.Equal([0, 1, 2, 3, 4], b.Sent.Select(s => (int)s.Frame[0]));
        Assert.Equal(32, pools.Sum(p => p.Available));
    }

    [Fact]
    public void Each_lane_gives_timer_calls_only_to_its_own_functions()
    {
        var on0 = new MillisecondTimerFunction();
        var on1 = new MillisecondTimerFunction();
        var builder = new GraphBuilder();
        builder.AddFunction("on0", on0, 1, MillisecondTimerFunction.Reasons);
        builder.AddFunction("on1", on1, 1, MillisecondTimerFunction.Reasons);
        var graph = builder.Build([new PacketPool(4, 256), new PacketPool(4, 256)], new GraphOptions()); // function j on lane j

        graph.Lanes[1].Tick();
        graph.Lanes[1].Tick();
        graph.Lanes[0].Tick();

        Assert.Equal(1, on0.Ticks);
        Assert.Equal(2, on1.Ticks);
    }

    [Fact]
    public void A_trace_follows_its_frame_across_lanes_and_is_finished_when_the_last_lane_holding_it_ends_its_pass()
    {
        var (lane0, lane1, a, b, _) = WireAcrossLanes();
        var session = new TraceSession(1);
        lane0.ArmTrace(session);
        Assert.Same(session, lane1.ArmedTrace);
        a.Enqueue(new byte[60]);

        lane1.Poll(0); // received on a, handed to the wire's lane
        Assert.False(session.Traces.TryRead(out _));
        lane0.PollHandoffs(); // the wire sends it to b, whose lane writes it
        Assert.False(session.Traces.TryRead(out _));
        lane1.PollHandoffs();

        Assert.Single(b.Sent);
        Assert.True(session.Traces.TryRead(out var trace));
        Assert.Equal(
            ["wire.0: Decision handed over to worker 0", "wire: Output 1 -> port b", "port b: Decision handed over to worker 1"],
            trace.Steps.Select(s => $"{s.Function}: {s.Kind} {s.Text}"));
        Assert.Null(lane0.ArmedTrace); // its one frame traced
        Assert.True(session.Traces.Completion.IsCompleted);
    }

    [Fact]
    public void The_graph_s_own_drops_are_counted_by_the_lane_that_dropped_and_summed_over_lanes()
    {
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons); // port 1 has no link
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(wire, 0));
        var graph = builder.Build([new PacketPool(4, 256), new PacketPool(4, 256)], new GraphOptions(), functionLanes: [1], portLanes: [0]);
        a.Enqueue(new byte[60]);
        a.Enqueue(new byte[60]);

        graph.Poll(0);
        graph.Settle();

        Assert.Equal(0, graph.Lanes[0].Drops[(int)GraphDrop.Unconnected]);
        Assert.Equal(2, graph.Lanes[1].Drops[(int)GraphDrop.Unconnected]);
        Assert.Equal(2, graph.TotalDrops()[(int)GraphDrop.Unconnected]);
    }

    [Fact]
    public void A_port_with_a_queue_per_lane_is_read_and_written_by_every_lane_on_its_own_queue()
    {
        var a = new QueuedMemoryPort("a", 2);
        var b = new QueuedMemoryPort("b", 2);
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(builder.AddPort(b)));
        PacketPool[] pools = [new PacketPool(8, 2048), new PacketPool(8, 2048)];
        var graph = builder.Build(pools, new GraphOptions()); // the wire on lane 0
        Assert.Equal([-1, -1], [graph.LaneOfPort(0), graph.LaneOfPort(1)]);
        a.Memory[0].Enqueue([0, .. new byte[59]]);
        a.Memory[1].Enqueue([1, .. new byte[59]]);

        Assert.Equal(1, graph.Lanes[0].Poll(0)); // lane 0 reads its queue, runs the wire, writes its queue of b
        Assert.Equal(1, graph.Lanes[1].Poll(0)); // lane 1 reads its queue, hands the frame to the wire's lane
        Assert.Equal(1, graph.Lanes[0].PollHandoffs()); // which writes it on its own queue of b: no handoff back

        Assert.Equal([0, 1], b.Memory[0].Sent.Select(f => (int)f.Frame[0]));
        Assert.Empty(b.Memory[1].Sent);
        Assert.Equal(0, graph.Lanes[1].PollHandoffs());
        Assert.Equal([8, 8], pools.Select(p => p.Available));
    }

    [Fact]
    public void A_port_with_queues_but_not_one_per_lane_is_placed_on_one_lane()
    {
        var a = new QueuedMemoryPort("a", 3);
        var builder = new GraphBuilder();
        builder.AddPort(a);
        var graph = builder.Build([new PacketPool(4, 256), new PacketPool(4, 256)], new GraphOptions());

        Assert.Equal(0, graph.LaneOfPort(0));
    }

    [Fact]
    public void A_function_with_an_instance_per_lane_runs_on_every_lane_what_that_lane_read_and_never_hands_it_over()
    {
        var a = new QueuedMemoryPort("a", 2);
        var b = new QueuedMemoryPort("b", 2);
        OddDropFunction[] instances = [new(), new()];
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", instances, 2, OddDropFunction.Reasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(wire, 0));
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(builder.AddPort(b)));
        PacketPool[] pools = [new PacketPool(8, 2048), new PacketPool(8, 2048)];
        var graph = builder.Build(pools, new GraphOptions());
        a.Memory[0].Enqueue([0, .. new byte[59]]);
        a.Memory[0].Enqueue([1, .. new byte[59]]); // odd: dropped by lane 0's instance
        a.Memory[1].Enqueue([2, .. new byte[59]]);
        a.Memory[1].Enqueue([4, .. new byte[59]]);
        a.Memory[1].Enqueue([5, .. new byte[59]]); // odd: dropped by lane 1's instance

        Assert.Equal(2, graph.Lanes[0].Poll(0));
        Assert.Equal(3, graph.Lanes[1].Poll(0));

        Assert.Equal([0], b.Memory[0].Sent.Select(f => (int)f.Frame[0])); // each lane wrote what it read, on its own queue
        Assert.Equal([2, 4], b.Memory[1].Sent.Select(f => (int)f.Frame[0]));
        Assert.Equal(0, graph.Lanes[0].PollHandoffs() + graph.Lanes[1].PollHandoffs()); // nothing crossed
        var node = graph.Functions[wire];
        Assert.Equal([instances[0], instances[1]], node.Instances.Select(i => i.Function));
        Assert.Equal([0, 1], node.Instances.Select(i => i.Lane));
        Assert.Equal([2L, 3L], node.Instances.Select(i => i.ProcessedPackets));
        Assert.Equal(5, node.ProcessedPackets); // the node sums its instances
        Assert.Equal(2, node.ProcessedBatches);
        Assert.Equal([0, 2], node.TotalDrops());
        Assert.Equal(["wire@0", "wire@1"], node.Instances.Select(node.InstanceName));
        Assert.Equal([8, 8], pools.Select(p => p.Available));

        graph.Lanes[1].Tick(); // each lane gives the timer call to its own instance
        Assert.Equal([0, 1], instances.Select(i => i.Timers));
    }

    [Fact]
    public void What_another_function_sends_to_a_function_with_an_instance_per_lane_goes_to_the_instance_of_its_own_lane()
    {
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        WireFunction[] wires = [new(), new()];
        var builder = new GraphBuilder();
        int first = builder.AddFunction("first", new WireFunction(), 2, NoReasons);
        int second = builder.AddFunction("second", wires, 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(first, 0));
        builder.Link(GraphEndpoint.Function(first, 1), GraphEndpoint.Function(second, 0));
        builder.Link(GraphEndpoint.Function(second, 1), GraphEndpoint.External(builder.AddPort(b)));
        var graph = builder.Build([new PacketPool(8, 2048), new PacketPool(8, 2048)], new GraphOptions(), functionLanes: [1, 0], portLanes: [1, 1]);
        a.Enqueue(new byte[60]);

        Assert.Equal(1, graph.Lanes[1].Poll(0)); // a, first and b are lane 1's: so is the instance of second that runs it
        Assert.Single(b.Sent);
        Assert.Equal([0L, 1L], graph.Functions[second].Instances.Select(i => i.ProcessedPackets));
        Assert.Equal(0, graph.Lanes[0].PollHandoffs());
    }

    [Fact]
    public void An_instance_hands_a_packet_to_another_instance_which_runs_it_from_the_start_on_its_lane()
    {
        var a = new QueuedMemoryPort("a", 2);
        var b = new QueuedMemoryPort("b", 2);
        HandingFunction[] instances = [new(0), new(1)];
        var builder = new GraphBuilder();
        int f = builder.AddFunction("f", instances, 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(f, 0));
        builder.Link(GraphEndpoint.Function(f, 1), GraphEndpoint.External(builder.AddPort(b)));
        PacketPool[] pools = [new PacketPool(8, 2048), new PacketPool(8, 2048)];
        var graph = builder.Build(pools, new GraphOptions());
        a.Memory[0].Enqueue([1, .. new byte[59]]); // the first byte names the owning instance: 1
        a.Memory[0].Enqueue([0, .. new byte[59]]);

        Assert.Equal(2, graph.Lanes[0].Poll(0));
        Assert.Equal([0], b.Memory[0].Sent.Select(x => (int)x.Frame[0])); // lane 0's instance kept its own
        Assert.Equal(1, graph.Lanes[1].PollHandoffs());
        Assert.Equal([1], b.Memory[1].Sent.Select(x => (int)x.Frame[0])); // the other, from lane 1, on lane 1's queue
        Assert.Equal([0], instances[1].InputPorts); // arrived on the port it was read from
        Assert.Equal([2L, 1L], graph.Functions[f].Instances.Select(i => i.ProcessedPackets));
        Assert.Equal([8, 8], pools.Select(p => p.Available));
    }

    [Fact]
    public void Instances_handing_a_packet_back_and_forth_are_stopped_by_the_loop_guard()
    {
        var a = new QueuedMemoryPort("a", 2);
        HandingFunction[] instances = [new(0) { Misled = true }, new(1) { Misled = true }];
        var builder = new GraphBuilder();
        int f = builder.AddFunction("f", instances, 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(f, 0));
        var graph = builder.Build([new PacketPool(8, 2048), new PacketPool(8, 2048)], new GraphOptions { MaxHops = 8 });
        a.Memory[0].Enqueue([1, .. new byte[59]]);

        graph.Lanes[0].Poll(0);
        for (int round = 0; round < 8; round++)
        {
            graph.Lanes[(round + 1) % 2].PollHandoffs();
        }

        Assert.Equal(1, graph.TotalDrops()[(int)GraphDrop.LoopGuard]);
        Assert.Equal(0, graph.Lanes[0].PollHandoffs() + graph.Lanes[1].PollHandoffs());
    }

    [Fact]
    public void A_function_run_once_cannot_hand_a_packet_to_another_instance()
    {
        var a = new MemoryPort("a");
        var builder = new GraphBuilder();
        int f = builder.AddFunction("f", new HandingFunction(0), 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(f, 0));
        var graph = builder.Build(new PacketPool(8, 2048), new GraphOptions());
        a.Enqueue([1, .. new byte[59]]);

        var error = Assert.Throws<InvalidOperationException>(() => graph.Poll(0));
        Assert.Contains("'f' handed a packet to instance 1, but runs as 1 instance(s)", error.Message);
    }

    [Fact]
    public void A_function_needs_one_instance_or_one_per_lane()
    {
        var builder = new GraphBuilder();
        builder.AddFunction("three", [new WireFunction(), new WireFunction(), new WireFunction()], 2, NoReasons);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build([new PacketPool(4, 256), new PacketPool(4, 256)], new GraphOptions()));
        Assert.Contains("'three' has 3 instances for 2 lane(s)", error.Message);
    }

    [Fact]
    public void Replacing_the_graph_carries_each_instance_s_counters_and_timer_over_to_the_same_instance()
    {
        OddDropFunction[] instances = [new(), new()];
        PacketGraph Build()
        {
            var builder = new GraphBuilder();
            builder.AddFunction("f", instances, 2, OddDropFunction.Reasons);
            return builder.Build([new PacketPool(4, 256), new PacketPool(4, 256)], new GraphOptions());
        }
        var before = Build();
        before.Functions[0].Instances[1].ProcessedPackets = 7;
        before.Functions[0].Instances[1].Drops[1] = 3;

        var after = Build();
        after.CarryOver(before);

        Assert.Equal([0L, 7L], after.Functions[0].Instances.Select(i => i.ProcessedPackets));
        Assert.Equal([0, 3], after.Functions[0].TotalDrops());
    }
}

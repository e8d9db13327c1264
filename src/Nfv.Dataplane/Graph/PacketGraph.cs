using System.Diagnostics;
using System.Runtime.CompilerServices;
using Nfv.Abstractions;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// The compiled graph and its dispatcher. Like VPP's, it never recurses: each function has a
/// pending batch, a run queue holds the functions with packets waiting, and the dispatcher runs
/// them until none is left, then flushes what the external ports must send. Cycles in the graph
/// (switch → router → switch, even an L2 loop) are fine; a packet that crosses more than
/// <see cref="GraphOptions.MaxHops"/> functions in one pass is dropped and counted.
/// </summary>
/// <remarks>
/// <para>
/// Single-threaded: one worker runs a graph (run to completion). Nothing here allocates per packet. Traces
/// (<see cref="ArmTrace"/>) and captures (<see cref="AttachCapture"/>) are armed and attached on that thread too,
/// between two batches (<see cref="PipelineWorker.InvokeAsync{T}"/>), so the graph needs no locks.
/// </para>
/// <para>
/// With several workers (<c>GraphBuilder.Build</c> given a pool per worker) each runs a lane of
/// the graph: the same functions and ports (<see cref="Functions"/> and <see cref="Ports"/> are shared), each placed on
/// one lane, which alone runs it; a lane has its own pool, run queue, drops and traces. A packet for a function or port
/// placed on another lane is handed over through a <see cref="HandoffRing"/> (one per pair of lanes) at the end of the
/// pass, and the other lane runs it from there (<see cref="PollHandoffs"/>). A function with an instance per lane
/// (<see cref="FunctionNode.Instances"/>) and a port with a queue per lane are on every lane: each lane runs its own.
/// </para>
/// </remarks>
public sealed partial class PacketGraph : IDisposable
{
    private readonly FunctionNode[] _functions;
    private readonly PortNode[] _ports;
    private readonly PacketPool _pool;
    private readonly GraphOptions _options;
    private readonly FunctionInstance?[] _instances; // by function index: the instance this lane runs, or null
    private readonly FunctionInstance[] _runQueue;
    private readonly PacketBatch _receive;
    private readonly GraphEmitter _emitter;
    private PacketBatch _spare;
    private int _runHead;
    private int _runCount;
    private TraceSession? _trace;
    private readonly int _lane;
    private PacketGraph[] _lanes;
    private HandoffRing?[] _outgoing = [null]; // by lane: null for this one
    private HandoffRing[] _incoming = [];
    private int[] _ownPorts; // the ports placed on this lane, whose transmit batches it flushes
    private int _sleeping; // 1 while this lane's worker waits in epoll: a lane handing it packets rings its doorbell

    internal PacketGraph(FunctionNode[] functions, PortNode[] ports, PacketPool pool, GraphOptions options, int lane, int pendingCapacity)
    {
        _functions = functions;
        _ports = ports;
        _pool = pool;
        _options = options;
        _lane = lane;
        _lanes = [this];
        _ownPorts = [.. Enumerable.Range(0, ports.Length).Where(i => ports[i].Queues[lane] is not null)];
        _instances = [.. functions.Select(f => f.InstanceOn(lane))];
        _runQueue = new FunctionInstance[Math.Max(1, functions.Length)];
        _receive = new PacketBatch(options.ReceiveBatchSize);
        _spare = new PacketBatch(pendingCapacity);
        _emitter = new GraphEmitter(this);
    }

    // Joins lanes built over the same nodes: a handoff ring from each to each other, big enough for every packet alive.
    internal static void Join(PacketGraph[] lanes, int ringCapacity)
    {
        foreach (var lane in lanes)
        {
            lane._lanes = lanes;
            lane._outgoing = new HandoffRing?[lanes.Length];
            lane._incoming = new HandoffRing[lanes.Length - 1];
        }
        foreach (var to in lanes)
        {
            int slot = 0;
            foreach (var from in lanes)
            {
                if (from != to)
                {
                    to._incoming[slot++] = from._outgoing[to._lane] = new HandoffRing(ringCapacity);
                }
            }
        }
    }

    /// <summary>Which lane this is: the worker that runs it.</summary>
    public int Lane => _lane;

    /// <summary>Every lane of the graph, this one included, by number; one for a graph run by one worker.</summary>
    public IReadOnlyList<PacketGraph> Lanes => _lanes;

    /// <summary>The lane external port <paramref name="port"/> is placed on; -1 when every lane runs a queue of it.</summary>
    public int LaneOfPort(int port) => _ports[port].Lane;

    /// <summary>
    /// What this lane's worker calls to be woken when another lane hands it packets while it sleeps: the worker's
    /// eventfd write. Set by the worker before it runs the lane.
    /// </summary>
    public Action? Doorbell { get; set; }

    /// <summary>
    /// The worker is about to sleep: true when it may (nothing handed over waits), after which a lane handing it packets
    /// rings its <see cref="Doorbell"/>; false when packets wait, to be taken first (<see cref="PollHandoffs"/>).
    /// </summary>
    public bool TrySleep()
    {
        if (_incoming.Length == 0)
        {
            return true;
        }
        Interlocked.Exchange(ref _sleeping, 1); // a full fence: the rings are read after the flag is seen set
        if (HasHandoffs())
        {
            Volatile.Write(ref _sleeping, 0);
            return false;
        }
        return true;
    }

    /// <summary>The worker woke: lanes handing it packets need not ring its doorbell.</summary>
    public void Woke() => Volatile.Write(ref _sleeping, 0);

    private bool HasHandoffs()
    {
        foreach (var ring in _incoming)
        {
            if (ring.HasWaiting)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Runs what other lanes handed over to this one; returns how many packets. The lane's worker only.</summary>
    public int PollHandoffs()
    {
        int taken = 0;
        var delivery = new HandoffDelivery(this);
        foreach (var ring in _incoming)
        {
            taken += ring.Take(ring.Capacity, ref delivery);
        }
        if (taken > 0)
        {
            Run();
            if (_open.Count > 0)
            {
                FinishTraces(); // traced packets handed over
            }
        }
        return taken;
    }

    /// <summary>
    /// Runs every packet handed over between lanes until none is left in any ring, on the calling thread: with every
    /// worker parked between two batches, before <c>nfv apply</c> replaces the graph, so no packet in flight is lost.
    /// </summary>
    public void Settle()
    {
        bool any;
        do
        {
            any = false;
            foreach (var lane in _lanes)
            {
                any |= lane.PollHandoffs() > 0;
            }
        }
        while (any);
    }

    /// <summary>Disposes the functions that hold resources (a DHCP server's lease file), every lane's. Call once no worker runs the graph.</summary>
    public void Dispose()
    {
        foreach (var instance in _functions.SelectMany(n => n.Instances))
        {
            (instance.Function as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Takes over what <paramref name="previous"/> counted and asked for, for every function instance and port both
    /// graphs run (matched by reference, whatever their indices): drop and processing counters, a pending timer request
    /// (<see cref="Emitter.WakeAt"/>), packets a port received unlinked, the graph's own drops, the captures attached to
    /// links both graphs have (<c>nfv capture</c>), and an armed trace (one that follows a port goes on following it under
    /// its new index, and ends if the port is gone).
    /// Called when <c>nfv apply</c> replaces a graph, on the worker thread, before this graph runs.
    /// </summary>
    public void CarryOver(PacketGraph previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var functions = previous._functions.SelectMany(n => n.Instances).ToDictionary(i => (object)i.Function, ReferenceEqualityComparer.Instance);
        foreach (var instance in _functions.SelectMany(n => n.Instances))
        {
            if (!functions.TryGetValue(instance.Function, out var old))
            {
                continue;
            }
            if (old.Drops.Length == instance.Drops.Length)
            {
                old.Drops.CopyTo(instance.Drops, 0);
            }
            instance.ProcessedPackets = old.ProcessedPackets;
            instance.ProcessedBatches = old.ProcessedBatches;
            instance.WakeAt = old.WakeAt;
            var lane = _lanes[instance.Lane]; // the lane it is placed on now
            lane.NextWake = Math.Min(lane.NextWake, old.WakeAt);
        }
        var ports = previous._ports.ToDictionary(p => (object)p.Port, ReferenceEqualityComparer.Instance);
        foreach (var port in _ports)
        {
            if (ports.TryGetValue(port.Port, out var old))
            {
                port.Unconnected = old.Unconnected;
            }
        }
        CarryCaptures(previous);
        for (int i = 0; i < Math.Min(_lanes.Length, previous._lanes.Length); i++)
        {
            _lanes[i].CarryLane(previous._lanes[i]);
        }
    }

    // What is each lane's own: the graph's drops and the armed trace.
    private void CarryLane(PacketGraph previous)
    {
        previous.Drops.CopyTo(Drops, 0);
        _trace = previous._trace;
        if (_trace is { IngressPort: >= 0 } trace)
        {
            var followed = previous._ports[trace.IngressPort].Port;
            trace.IngressPort = Array.FindIndex(_ports, p => ReferenceEquals(p.Port, followed));
            if (trace.IngressPort < 0)
            {
                trace.End(); // its port was removed: nothing more will arrive on it
                _trace = null;
            }
        }
    }

    /// <summary>The functions, by index (every lane's: lanes share them).</summary>
    public IReadOnlyList<FunctionNode> Functions => _functions;

    /// <summary>The external ports, by index (every lane's: lanes share them).</summary>
    public IReadOnlyList<PortNode> Ports => _ports;

    /// <summary>The pool this lane's packets come from.</summary>
    public PacketPool Pool => _pool;

    /// <summary>Packets this lane itself dropped, by <see cref="GraphDrop"/>.</summary>
    public long[] Drops { get; } = new long[Enum.GetValues<GraphDrop>().Length];

    /// <summary>Packets the graph itself dropped, by <see cref="GraphDrop"/>, summed over its lanes. From any thread.</summary>
    public long[] TotalDrops()
    {
        var total = new long[Drops.Length];
        foreach (var lane in _lanes)
        {
            for (int i = 0; i < total.Length; i++)
            {
                total[i] += Volatile.Read(ref lane.Drops[i]);
            }
        }
        return total;
    }

    /// <summary>
    /// Reads what external port <paramref name="port"/> has waiting (up to one batch) and runs it through the graph. The
    /// worker of the lane the port is placed on.
    /// </summary>
    /// <returns>How many frames were read.</returns>
    public int Poll(int port)
    {
        var node = _ports[port];
        var queue = node.Queues[_lane] ?? throw new InvalidOperationException($"Port {node.Port.Name} is not placed on lane {_lane}.");
        int received = queue.Receive(_receive, _pool);
        if (received == 0)
        {
            return 0;
        }
        var packets = _receive.AsSpan();
        var output = node.Output;
        if (output.Kind == GraphEndpointKind.None)
        {
            Interlocked.Add(ref node.Unconnected, packets.Length); // a port with queues on several lanes counts from each
            _receive.ReleaseAll();
            return received;
        }
        if (node.Capture is { } capture)
        {
            for (int i = 0; i < packets.Length; i++)
            {
                capture.RecordAll(packets[i]);
            }
        }
        // Disarmed (nearly always), tracing costs this one branch per batch.
        var trace = _trace;
        if (trace is not null)
        {
            StartTraces(trace, port, packets);
        }
        for (int i = 0; i < packets.Length; i++)
        {
            var packet = packets[i];
            packet.Hops = 0;
            Deliver(output, packet);
        }
        _receive.Clear();
        Run();
        if (trace is not null)
        {
            FinishTraces();
        }
        return received;
    }

    /// <summary>The earliest time a function asked for its timer call (<see cref="Emitter.WakeAt"/>); long.MaxValue for none.</summary>
    public long NextWake { get; private set; } = long.MaxValue;

    /// <summary>Gives the timer call to every function that asked for one by <paramref name="now"/>, then runs what they sent.</summary>
    public void RunTimers(long now)
    {
        if (now < NextWake)
        {
            return;
        }
        NextWake = long.MaxValue;
        foreach (var instance in _instances)
        {
            if (instance is null)
            {
                continue;
            }
            if (instance.WakeAt <= now)
            {
                instance.WakeAt = long.MaxValue;
                _emitter.Current = instance;
                instance.Function.OnTimer(_emitter); // may ask again, through WakeAt
            }
            else if (instance.WakeAt < NextWake)
            {
                NextWake = instance.WakeAt;
            }
        }
        _emitter.Current = null;
        Run();
    }

    /// <summary>Gives every function of this lane its timer call (ageing, retries), then runs what they sent.</summary>
    public void Tick()
    {
        foreach (var instance in _instances)
        {
            if (instance is null)
            {
                continue;
            }
            _emitter.Current = instance;
            instance.Function.OnTimer(_emitter);
        }
        _emitter.Current = null;
        Run();
    }

    private void Deliver(GraphEndpoint to, Packet packet)
    {
        switch (to.Kind)
        {
            case GraphEndpointKind.Function:
                if (!Hop(to, packet))
                {
                    return;
                }
                if (_instances[to.Index] is not { } instance)
                {
                    HandOver(_functions[to.Index].Lane, to, packet);
                    return;
                }
                Accept(instance, to.Port, packet);
                return;
            case GraphEndpointKind.ExternalPort:
                var node = _ports[to.Index];
                if (node.Transmits[_lane] is not { } transmit)
                {
                    HandOver(node.Lane, to, packet);
                    return;
                }
                transmit.Add(packet);
                return;
            default:
                Drops[(int)GraphDrop.Unconnected]++;
                if (packet.TraceId != 0)
                {
                    TraceGraphDrop(packet, _emitter.Current?.Node.Name ?? "graph", GraphDrop.Unconnected);
                }
                packet.Release();
                return;
        }
    }

    // A function run as an instance per lane hands a packet to its instance on another lane (Emitter.ToInstance).
    private void DeliverToInstance(GraphEndpoint to, Packet packet, int lane)
    {
        if (!Hop(to, packet))
        {
            return;
        }
        if (lane != _lane)
        {
            HandOver(lane, to, packet);
            return;
        }
        Accept(_instances[to.Index]!, to.Port, packet);
    }

    // Counts a hop into a function; past the loop guard, false with the packet dropped and counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Hop(GraphEndpoint to, Packet packet)
    {
        if (++packet.Hops <= _options.MaxHops)
        {
            return true;
        }
        DropAtLoopGuard(to, packet);
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropAtLoopGuard(GraphEndpoint to, Packet packet)
    {
        Drops[(int)GraphDrop.LoopGuard]++;
        if (packet.TraceId != 0)
        {
            TraceGraphDrop(packet, _functions[to.Index].Name, GraphDrop.LoopGuard);
        }
        packet.Release();
    }

    // A packet for a function instance of this lane, arriving from this lane or handed over by another.
    private void Accept(FunctionInstance instance, int port, Packet packet)
    {
        packet.InputPort = port;
        instance.Pending.Add(packet);
        if (!instance.Scheduled)
        {
            instance.Scheduled = true;
            _runQueue[(_runHead + _runCount++) % _runQueue.Length] = instance;
        }
    }

    private void HandOver(int lane, GraphEndpoint to, Packet packet)
    {
        var trace = packet.TraceId != 0 ? TraceHandoff(packet, to, lane) : null;
        if (!_outgoing[lane]!.TryAdd(packet, to, trace))
        {
            trace?.Release();
            Drops[(int)GraphDrop.HandoffFull]++;
            packet.Release();
        }
    }

    // At the end of a pass: makes what was handed over visible to the other lanes, and wakes those that sleep.
    private void PublishHandoffs()
    {
        bool any = false;
        foreach (var ring in _outgoing)
        {
            any |= ring?.Publish() == true;
        }
        if (!any)
        {
            return;
        }
        Interlocked.MemoryBarrier(); // the rings' new tails are visible before the lanes' sleeping flags are read
        foreach (var lane in _lanes)
        {
            if (lane != this && Volatile.Read(ref lane._sleeping) != 0)
            {
                lane.Doorbell?.Invoke();
            }
        }
    }

    private struct HandoffDelivery(PacketGraph graph) : IHandoffDelivery
    {
        public readonly void Deliver(GraphEndpoint to, Packet packet, PacketTrace? trace)
        {
            if (trace is not null)
            {
                graph.AdoptTrace(packet, trace);
            }
            if (to.Kind == GraphEndpointKind.ExternalPort)
            {
                graph._ports[to.Index].Transmits[graph._lane]!.Add(packet);
                return;
            }
            graph.Accept(graph._instances[to.Index]!, to.Port, packet);
        }
    }

    private void Run()
    {
        while (_runCount > 0)
        {
            var instance = _runQueue[_runHead];
            _runHead = (_runHead + 1) % _runQueue.Length;
            _runCount--;
            instance.Scheduled = false;

            // Swap in an empty pending batch first, so packets the function sends to itself
            // (a loop) wait for its next turn instead of growing the batch it is reading.
            var batch = instance.Pending;
            instance.Pending = _spare;
            _spare = batch;

            instance.ProcessedPackets += batch.Count;
            instance.ProcessedBatches++;
            _emitter.Current = instance;
            _emitter.Begin(batch.Count);
            instance.Function.Process(batch, _emitter);
            _emitter.End(instance.Node);
            _emitter.Current = null;
            batch.Clear();
        }
        foreach (int i in _ownPorts)
        {
            var transmit = _ports[i].Transmits[_lane]!;
            if (transmit.Count == 0)
            {
                continue;
            }
            _ports[i].Queues[_lane]!.Send(transmit.AsSpan());
            transmit.Clear();
        }
        if (_incoming.Length > 0)
        {
            PublishHandoffs();
        }
    }

    private sealed class GraphEmitter(PacketGraph graph) : Emitter
    {
        public FunctionInstance? Current;
        private int _owed;

        [Conditional("DEBUG")]
        public void Begin(int count) => _owed = count;

        // Fewer than none owed is fine: a function may send, while it processes a batch, packets it held before (a DHCP
        // server's ACKs whose lease reached the disk meanwhile).
        [Conditional("DEBUG")]
        public void End(FunctionNode node) =>
            Debug.Assert(_owed <= 0, $"Function '{node.Name}' left {_owed} packet(s) neither sent, dropped nor held.");

        public override void To(int port, Packet packet)
        {
            Owe(-1);
            var instance = Current!;
            var outputs = instance.Outputs;
            if ((uint)port >= (uint)outputs.Length)
            {
                graph.Drops[(int)GraphDrop.InvalidPort]++;
                if (packet.TraceId != 0)
                {
                    graph.TraceGraphDrop(packet, instance.Node.Name, GraphDrop.InvalidPort);
                }
                packet.Release();
                return;
            }
            // An uncaptured function pays one null check here; a captured link, one copy into its ring.
            if (instance.Node.Captures is { } captures && captures[port] is { } capture)
            {
                capture.RecordAll(packet);
            }
            // An untraced packet pays one branch on a field of the packet, in the cache line Deliver writes anyway.
            if (packet.TraceId != 0)
            {
                graph.TraceOutput(instance.Node, port, packet);
            }
            graph.Deliver(outputs[port], packet);
        }

        public override void ToInstance(int instance, Packet packet)
        {
            Owe(-1);
            var node = Current!.Node;
            if ((uint)instance >= (uint)node.Instances.Count || node.Instances.Count == 1)
            {
                throw new InvalidOperationException(
                    $"Function '{node.Name}' handed a packet to instance {instance}, but runs as {node.Instances.Count} instance(s).");
            }
            graph.DeliverToInstance(GraphEndpoint.Function(node.Index, packet.InputPort), packet, lane: instance);
        }

        public override void Drop(Packet packet, int reason)
        {
            Owe(-1);
            var instance = Current!;
            var drops = instance.Drops;
            if ((uint)reason < (uint)drops.Length)
            {
                drops[reason]++;
            }
            else
            {
                graph.Drops[(int)GraphDrop.InvalidReason]++;
            }
            if (packet.TraceId != 0)
            {
                graph.TraceDrop(instance.Node, reason, packet);
            }
            packet.Release();
        }

        protected override void OnTrace(Packet packet, string decision)
        {
            if (Current is { } instance)
            {
                graph.TraceDecision(instance.Node, packet, decision);
            }
        }

        public override void Hold(Packet packet) => Owe(-1); // it leaves later, from the function's timer call

        public override void WakeAt(long timestamp)
        {
            if (Current is { } instance && timestamp < instance.WakeAt)
            {
                instance.WakeAt = timestamp;
                if (timestamp < graph.NextWake)
                {
                    graph.NextWake = timestamp;
                }
            }
        }

        public override Packet? Clone(Packet packet)
        {
            var copy = graph._pool.Rent();
            if (copy is not null)
            {
                Owe(1);
                copy.CopyFrom(packet);
            }
            return copy;
        }

        public override Packet? Allocate()
        {
            var packet = graph._pool.Rent();
            if (packet is not null)
            {
                Owe(1);
            }
            return packet;
        }

        [Conditional("DEBUG")]
        private void Owe(int delta) => _owed += delta;
    }
}

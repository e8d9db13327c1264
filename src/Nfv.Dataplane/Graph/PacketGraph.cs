using System.Diagnostics;
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
/// Single-threaded: one worker owns a graph (run to completion). Nothing here allocates per packet. Traces
/// (<see cref="ArmTrace"/>) and captures (<see cref="AttachCapture"/>) are armed and attached on that thread too,
/// between two batches (<see cref="PipelineWorker.InvokeAsync{T}"/>), so the graph needs no locks.
/// </remarks>
public sealed partial class PacketGraph : IDisposable
{
    private readonly FunctionNode[] _functions;
    private readonly PortNode[] _ports;
    private readonly PacketPool _pool;
    private readonly GraphOptions _options;
    private readonly int[] _runQueue;
    private readonly PacketBatch _receive;
    private readonly GraphEmitter _emitter;
    private PacketBatch _spare;
    private int _runHead;
    private int _runCount;
    private TraceSession? _trace;

    internal PacketGraph(FunctionNode[] functions, PortNode[] ports, PacketPool pool, GraphOptions options)
    {
        _functions = functions;
        _ports = ports;
        _pool = pool;
        _options = options;
        _runQueue = new int[Math.Max(1, functions.Length)];
        _receive = new PacketBatch(options.ReceiveBatchSize);
        _spare = new PacketBatch(pool.Capacity);
        _emitter = new GraphEmitter(this);
    }

    /// <summary>Disposes the functions that hold resources (a DHCP server's lease file). Call once no worker runs the graph.</summary>
    public void Dispose()
    {
        foreach (var node in _functions)
        {
            (node.Function as IDisposable)?.Dispose();
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
        var functions = previous._functions.ToDictionary(n => (object)n.Function, ReferenceEqualityComparer.Instance);
        foreach (var node in _functions)
        {
            if (!functions.TryGetValue(node.Function, out var old))
            {
                continue;
            }
            if (old.Drops.Length == node.Drops.Length)
            {
                old.Drops.CopyTo(node.Drops, 0);
            }
            node.ProcessedPackets = old.ProcessedPackets;
            node.ProcessedBatches = old.ProcessedBatches;
            node.WakeAt = old.WakeAt;
            NextWake = Math.Min(NextWake, old.WakeAt);
        }
        var ports = previous._ports.ToDictionary(p => (object)p.Port, ReferenceEqualityComparer.Instance);
        foreach (var port in _ports)
        {
            if (ports.TryGetValue(port.Port, out var old))
            {
                port.Unconnected = old.Unconnected;
            }
        }
        previous.Drops.CopyTo(Drops, 0);
        CarryCaptures(previous);
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

    /// <summary>The functions, by index.</summary>
    public IReadOnlyList<FunctionNode> Functions => _functions;

    /// <summary>The external ports, by index.</summary>
    public IReadOnlyList<PortNode> Ports => _ports;

    /// <summary>The pool packets come from.</summary>
    public PacketPool Pool => _pool;

    /// <summary>Packets the graph itself dropped, by <see cref="GraphDrop"/>.</summary>
    public long[] Drops { get; } = new long[Enum.GetValues<GraphDrop>().Length];

    /// <summary>Reads what external port <paramref name="port"/> has waiting (up to one batch) and runs it through the graph.</summary>
    /// <returns>How many frames were read.</returns>
    public int Poll(int port)
    {
        var node = _ports[port];
        int received = node.Port.Receive(_receive, _pool);
        if (received == 0)
        {
            return 0;
        }
        var packets = _receive.AsSpan();
        var output = node.Output;
        if (output.Kind == GraphEndpointKind.None)
        {
            node.Unconnected += packets.Length;
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
            FinishTraces(trace);
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
        foreach (var node in _functions)
        {
            if (node.WakeAt <= now)
            {
                node.WakeAt = long.MaxValue;
                _emitter.Current = node;
                node.Function.OnTimer(_emitter); // may ask again, through WakeAt
            }
            else if (node.WakeAt < NextWake)
            {
                NextWake = node.WakeAt;
            }
        }
        _emitter.Current = null;
        Run();
    }

    /// <summary>Gives every function its timer call (ageing, retries), then runs what they sent.</summary>
    public void Tick()
    {
        for (int i = 0; i < _functions.Length; i++)
        {
            _emitter.Current = _functions[i];
            _functions[i].Function.OnTimer(_emitter);
        }
        _emitter.Current = null;
        Run();
    }

    private void Deliver(GraphEndpoint to, Packet packet)
    {
        switch (to.Kind)
        {
            case GraphEndpointKind.Function:
                if (++packet.Hops > _options.MaxHops)
                {
                    Drops[(int)GraphDrop.LoopGuard]++;
                    if (packet.TraceId != 0)
                    {
                        TraceGraphDrop(packet, _functions[to.Index].Name, GraphDrop.LoopGuard);
                    }
                    packet.Release();
                    return;
                }
                var function = _functions[to.Index];
                packet.InputPort = to.Port;
                function.Pending.Add(packet);
                if (!function.Scheduled)
                {
                    function.Scheduled = true;
                    _runQueue[(_runHead + _runCount++) % _runQueue.Length] = to.Index;
                }
                return;
            case GraphEndpointKind.ExternalPort:
                _ports[to.Index].Transmit.Add(packet);
                return;
            default:
                Drops[(int)GraphDrop.Unconnected]++;
                if (packet.TraceId != 0)
                {
                    TraceGraphDrop(packet, _emitter.Current?.Name ?? "graph", GraphDrop.Unconnected);
                }
                packet.Release();
                return;
        }
    }

    private void Run()
    {
        while (_runCount > 0)
        {
            int index = _runQueue[_runHead];
            _runHead = (_runHead + 1) % _runQueue.Length;
            _runCount--;
            var node = _functions[index];
            node.Scheduled = false;

            // Swap in an empty pending batch first, so packets the function sends to itself
            // (a loop) wait for its next turn instead of growing the batch it is reading.
            var batch = node.Pending;
            node.Pending = _spare;
            _spare = batch;

            node.ProcessedPackets += batch.Count;
            node.ProcessedBatches++;
            _emitter.Current = node;
            _emitter.Begin(batch.Count);
            node.Function.Process(batch, _emitter);
            _emitter.End(node);
            _emitter.Current = null;
            batch.Clear();
        }
        for (int i = 0; i < _ports.Length; i++)
        {
            var transmit = _ports[i].Transmit;
            if (transmit.Count == 0)
            {
                continue;
            }
            var port = _ports[i].Port;
            foreach (var packet in transmit.AsSpan())
            {
                port.Send(packet);
            }
            transmit.Clear();
        }
    }

    private sealed class GraphEmitter(PacketGraph graph) : Emitter
    {
        public FunctionNode? Current;
        private int _owed;

        [Conditional("DEBUG")]
        public void Begin(int count) => _owed = count;

        [Conditional("DEBUG")]
        public void End(FunctionNode node) =>
            Debug.Assert(_owed == 0, $"Function '{node.Name}' left {_owed} packet(s) neither sent nor dropped.");

        public override void To(int port, Packet packet)
        {
            Owe(-1);
            var node = Current!;
            var outputs = node.Outputs;
            if ((uint)port >= (uint)outputs.Length)
            {
                graph.Drops[(int)GraphDrop.InvalidPort]++;
                if (packet.TraceId != 0)
                {
                    graph.TraceGraphDrop(packet, node.Name, GraphDrop.InvalidPort);
                }
                packet.Release();
                return;
            }
            // An uncaptured function pays one null check here; a captured link, one copy into its ring.
            if (node.Captures is { } captures && captures[port] is { } capture)
            {
                capture.RecordAll(packet);
            }
            // An untraced packet pays one branch on a field of the packet, in the cache line Deliver writes anyway.
            if (packet.TraceId != 0)
            {
                graph.TraceOutput(node, port, packet);
            }
            graph.Deliver(outputs[port], packet);
        }

        public override void Drop(Packet packet, int reason)
        {
            Owe(-1);
            var node = Current!;
            var drops = node.Drops;
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
                graph.TraceDrop(node, reason, packet);
            }
            packet.Release();
        }

        protected override void OnTrace(Packet packet, string decision)
        {
            if (Current is { } node)
            {
                graph.TraceDecision(node, packet, decision);
            }
        }

        public override void Hold(Packet packet) => Owe(-1); // it leaves later, from the function's timer call

        public override void WakeAt(long timestamp)
        {
            if (Current is { } node && timestamp < node.WakeAt)
            {
                node.WakeAt = timestamp;
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

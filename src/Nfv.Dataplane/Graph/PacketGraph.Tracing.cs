using System.Runtime.CompilerServices;
using Nfv.Abstractions;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// Packet tracing (<c>nfv trace</c>). A traced packet carries a <see cref="Packet.TraceId"/>; the graph records where it
/// goes (function, input port, output port and where that leads, drop reason) and functions add their decisions
/// (<see cref="Emitter.Trace(Packet, string)"/>). Traces live for one pass of the dispatcher: a frame received, run to
/// completion with every copy made of it, then the trace is finished and handed to its session. A copy handed to another
/// lane takes the trace along (<see cref="HandoffRing"/> carries it): that lane records its steps under an id of its own
/// and the trace is finished when the last lane holding it ends its pass.
/// </summary>
public sealed partial class PacketGraph
{
    // The traces of the frames of the current pass: trace id N is _open[N - _firstOpenId]. Ids only grow, so a packet
    // carrying an id from an earlier pass (a copy that waited in an ARP queue) is recognised and left untraced.
    private readonly List<PacketTrace> _open = [];
    private int _firstOpenId = 1;
    private int _nextId = 1;

    /// <summary>The armed trace session that still traces, or null. Worker thread (every worker's, with several: parked).</summary>
    public TraceSession? ArmedTrace => _lanes.Select(l => l._trace).FirstOrDefault(t => t is not null && !t.IsFull);

    /// <summary>
    /// Arms <paramref name="session"/> on every lane: the next frames received that match it are traced. Worker thread
    /// only (<see cref="PipelineWorker.InvokeAsync{T}"/>; with several workers, <see cref="WorkerGroup.InvokeAsync{T}"/>),
    /// between two batches.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another session is armed: one trace at a time.</exception>
    public void ArmTrace(TraceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (ArmedTrace is not null)
        {
            throw new InvalidOperationException("A trace is already armed.");
        }
        if (session.IsFull)
        {
            throw new ArgumentException("The session has already traced all its packets.", nameof(session));
        }
        foreach (var lane in _lanes)
        {
            lane._trace = session;
        }
    }

    /// <summary>
    /// Ends <paramref name="session"/> (its <see cref="TraceSession.Traces"/> completes) and disarms it where armed; false
    /// when it was no longer armed (it had traced its count). Worker thread only, between two batches.
    /// </summary>
    public bool DisarmTrace(TraceSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.End();
        bool armed = false;
        foreach (var lane in _lanes)
        {
            if (lane._trace == session)
            {
                armed = true;
                lane._trace = null; // a lane that has not run since the session filled up still holds it
            }
        }
        return armed && !session.IsFull;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StartTraces(TraceSession session, int port, ReadOnlySpan<Packet> packets)
    {
        var node = _ports[port];
        for (int i = 0; i < packets.Length && !session.IsFull; i++)
        {
            var packet = packets[i];
            if (!session.Wants(port, packet.Data))
            {
                continue;
            }
            if (!session.TryStart(out int number))
            {
                break; // another worker took the last one
            }
            var trace = new PacketTrace(session, number, session.Clock.GetUtcNow(), node.Port.Name, packet.Length, FrameSummary.Describe(packet.Data));
            packet.TraceId = _nextId++;
            _open.Add(trace);
            if (node.Output.Kind == GraphEndpointKind.ExternalPort)
            {
                // Two external ports wired together: no function sees the frame.
                trace.Add(new PacketTraceStep(0, node.Port.Name, null, TraceStepKind.Output, $"-> {Describe(node.Output)}"));
            }
        }
    }

    // The end of a pass: each trace this lane held is released (finished, unless another lane still holds a copy).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FinishTraces()
    {
        foreach (var trace in _open)
        {
            trace.Release();
        }
        _open.Clear();
        if (_nextId > int.MaxValue - 1_000_000)
        {
            _nextId = 1; // after two billion traced frames: a pass never starts a million
        }
        _firstOpenId = _nextId;
        if (_trace is { IsFull: true })
        {
            _trace = null; // it ends with its last trace (TraceSession.Finished)
        }
    }

    // A traced packet handed over by another lane: its trace is open here too, under this lane's next id.
    private void AdoptTrace(Packet packet, PacketTrace trace)
    {
        packet.TraceId = _nextId++;
        _open.Add(trace);
    }

    private PacketTrace? TraceOf(Packet packet)
    {
        int index = packet.TraceId - _firstOpenId;
        if ((uint)index < (uint)_open.Count)
        {
            return _open[index];
        }
        packet.TraceId = 0; // from an earlier pass: its trace is finished
        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceDecision(FunctionNode node, Packet packet, string decision) =>
        TraceOf(packet)?.Add(new PacketTraceStep(packet.Hops, node.Name, InputName(node, packet), TraceStepKind.Decision, decision));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceOutput(FunctionNode node, int port, Packet packet) =>
        TraceOf(packet)?.Add(new PacketTraceStep(packet.Hops, node.Name, InputName(node, packet), TraceStepKind.Output,
            $"{node.PortNames[port]} -> {Describe(node.Outputs[port])}"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceDrop(FunctionNode node, int reason, Packet packet) =>
        TraceOf(packet)?.Add(new PacketTraceStep(packet.Hops, node.Name, InputName(node, packet), TraceStepKind.Drop,
            (uint)reason < (uint)node.DropReasons.Count ? node.DropReasons[reason] : $"{GraphDrop.InvalidReason} ({reason})"));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TraceGraphDrop(Packet packet, string where, GraphDrop reason) =>
        TraceOf(packet)?.Add(new PacketTraceStep(packet.Hops, where, null, TraceStepKind.Drop, reason switch
        {
            GraphDrop.LoopGuard => $"{reason} (graph: more than {_options.MaxHops} functions in one pass)",
            GraphDrop.Unconnected => $"{reason} (graph: the port has no link)",
            _ => $"{reason} (graph)",
        }));

    // A traced packet leaves for another lane: the step says so, and the trace goes along (ids are each lane's own).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private PacketTrace? TraceHandoff(Packet packet, GraphEndpoint to, int lane)
    {
        var trace = TraceOf(packet);
        packet.TraceId = 0;
        if (trace is not null)
        {
            trace.Add(new PacketTraceStep(packet.Hops, Describe(to), null, TraceStepKind.Decision, $"handed over to worker {lane}"));
            trace.Hold();
        }
        return trace;
    }

    private static string? InputName(FunctionNode node, Packet packet) =>
        (uint)packet.InputPort < (uint)node.PortNames.Count ? node.PortNames[packet.InputPort] : null;

    private string Describe(GraphEndpoint to) => to.Kind switch
    {
        GraphEndpointKind.Function => $"{_functions[to.Index].Name}.{_functions[to.Index].PortNames[to.Port]}",
        GraphEndpointKind.ExternalPort => $"port {_ports[to.Index].Port.Name}",
        _ => "nothing (no link)",
    };
}

namespace Nfv.Dataplane.Tracing;

/// <summary>What a step of a packet's path is.</summary>
public enum TraceStepKind
{
    /// <summary>A function stated a decision (<c>emit.Trace</c>).</summary>
    Decision,
    /// <summary>The packet left by a port: towards a function's port or out of an external port.</summary>
    Output,
    /// <summary>The packet was dropped, by a function (its drop reason) or by the graph.</summary>
    Drop,
}

/// <summary>One step of a traced packet's path.</summary>
/// <param name="Hop">How many functions the packet (or its copy) had crossed: 1 in the first function.</param>
/// <param name="Function">The function (or, for a frame between two external ports, the port) where it happened.</param>
/// <param name="Input">The port of <paramref name="Function"/> the packet came in by, or null.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Text">The decision, <c>PORT -> DESTINATION</c> for an output, or the drop reason.</param>
public readonly record struct PacketTraceStep(int Hop, string Function, string? Input, TraceStepKind Kind, string Text);

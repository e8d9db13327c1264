using Nfv.Abstractions;
using Nfv.Dataplane.Capture;

namespace Nfv.Dataplane.Graph;

/// <summary>A function in the compiled graph: what it is, where its ports lead, and its counters.</summary>
public sealed class FunctionNode
{
    internal FunctionNode(string name, INetworkFunction function, GraphEndpoint[] outputs, IReadOnlyList<string> dropReasons, int pendingCapacity,
        IReadOnlyList<string>? portNames = null)
    {
        Name = name;
        PortNames = portNames is not null && portNames.Count == outputs.Length
            ? portNames
            : [.. Enumerable.Range(0, outputs.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        Function = function;
        Outputs = outputs;
        DropReasons = dropReasons;
        Drops = new long[dropReasons.Count];
        Pending = new PacketBatch(pendingCapacity);
    }

    /// <summary>The function's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The running function.</summary>
    public INetworkFunction Function { get; }

    /// <summary>The function's port names, by number (numbers as text when the builder was given none).</summary>
    public IReadOnlyList<string> PortNames { get; }

    /// <summary>The drop reasons' names, by number.</summary>
    public IReadOnlyList<string> DropReasons { get; }

    /// <summary>Packets dropped, by reason number. Written by the worker only.</summary>
    public long[] Drops { get; }

    /// <summary>Packets handed to the function.</summary>
    public long ProcessedPackets;

    /// <summary>When the function asked for its next timer call (<see cref="Emitter.WakeAt"/>); long.MaxValue for none.</summary>
    internal long WakeAt = long.MaxValue;

    /// <summary>Batches handed to the function.</summary>
    public long ProcessedBatches;

    internal GraphEndpoint[] Outputs { get; }

    /// <summary>
    /// Per output port, the first capture of its link (more follow through <see cref="LinkCapture.Next"/>); null when none
    /// of this function's links is captured.
    /// </summary>
    internal LinkCapture?[]? Captures { get; set; }

    internal PacketBatch Pending { get; set; }

    internal bool Scheduled { get; set; }

    /// <summary>The lane (worker) the node is placed on, which alone runs it.</summary>
    internal int Lane { get; init; }
}

using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Capture;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// A function of the topology in the compiled graph: what it is, where its ports lead, and its running instances: one,
/// run by the worker the node is placed on, or one per worker for a function run as an instance per worker (each lane
/// runs its own, so nothing is handed over to reach it).
/// </summary>
public sealed class FunctionNode
{
    private readonly FunctionInstance?[] _byLane;

    internal FunctionNode(int index, string name, IReadOnlyList<INetworkFunction> functions, GraphEndpoint[] outputs, IReadOnlyList<string> dropReasons,
        int pendingCapacity, int lanes, int lane, IReadOnlyList<string>? portNames = null)
    {
        Index = index;
        Name = name;
        PortNames = portNames is not null && portNames.Count == outputs.Length
            ? portNames
            : [.. Enumerable.Range(0, outputs.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        Outputs = outputs;
        DropReasons = dropReasons;
        _byLane = new FunctionInstance?[lanes];
        if (functions.Count > 1)
        {
            Lane = -1; // an instance on every lane
            Instances = [.. functions.Select((f, i) => _byLane[i] = new FunctionInstance(this, f, i, pendingCapacity))];
        }
        else
        {
            Lane = lane;
            Instances = [_byLane[lane] = new FunctionInstance(this, functions[0], lane, pendingCapacity)];
        }
    }

    /// <summary>The function's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The running instances: one, or one per lane, by lane.</summary>
    public IReadOnlyList<FunctionInstance> Instances { get; }

    /// <summary>The running function: the only instance, or the first lane's of a function run as an instance per worker.</summary>
    public INetworkFunction Function => Instances[0].Function;

    /// <summary>The function's port names, by number (numbers as text when the builder was given none).</summary>
    public IReadOnlyList<string> PortNames { get; }

    /// <summary>The drop reasons' names, by number.</summary>
    public IReadOnlyList<string> DropReasons { get; }

    /// <summary>Packets handed to the function, summed over its instances. From any thread.</summary>
    public long ProcessedPackets => Instances.Sum(i => Volatile.Read(ref i.ProcessedPackets));

    /// <summary>Batches handed to the function, summed over its instances. From any thread.</summary>
    public long ProcessedBatches => Instances.Sum(i => Volatile.Read(ref i.ProcessedBatches));

    /// <summary>Packets dropped, by reason number, summed over the function's instances. From any thread.</summary>
    public long[] TotalDrops()
    {
        var total = new long[DropReasons.Count];
        foreach (var instance in Instances)
        {
            for (int r = 0; r < total.Length; r++)
            {
                total[r] += Volatile.Read(ref instance.Drops[r]);
            }
        }
        return total;
    }

    /// <summary>
    /// The function's own event counters (<see cref="IInspectableFunction.Events"/>), by name in the function's order,
    /// summed over its instances; empty for a function that has none. From any thread.
    /// </summary>
    public IReadOnlyList<(string Name, long Count)> TotalEvents()
    {
        if (Function is not IInspectableFunction first)
        {
            return [];
        }
        // Instances are of one kind: their counters come in the same order.
        return [.. first.Events.Select((e, k) => (e.Name, Instances.Sum(i => ((IInspectableFunction)i.Function).Events[k].Read())))];
    }

    /// <summary>
    /// The name each instance's table rows are shown under: the function's, or for an instance per worker
    /// <c>NAME@WORKER</c> (a MAC learned by two instances shows twice: what each will do with it).
    /// </summary>
    public string InstanceName(FunctionInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Instances.Count == 1 ? Name : $"{Name}@{instance.Lane}";
    }

    internal GraphEndpoint[] Outputs { get; }

    /// <summary>The function's index in the graph (<see cref="GraphEndpoint.Index"/>).</summary>
    internal int Index { get; }

    /// <summary>
    /// Per output port, the first capture of its link (more follow through <see cref="LinkCapture.Next"/>); null when none
    /// of this function's links is captured.
    /// </summary>
    internal LinkCapture?[]? Captures { get; set; }

    /// <summary>The lane (worker) the node is placed on, which alone runs it; -1 when every lane runs an instance of it.</summary>
    internal int Lane { get; }

    /// <summary>The instance lane <paramref name="lane"/> runs, or null when the node is placed on another.</summary>
    internal FunctionInstance? InstanceOn(int lane) => _byLane[lane];
}

/// <summary>One running instance of a function and what belongs to it alone: its counters, its pending batch, its timer.</summary>
public sealed class FunctionInstance
{
    internal FunctionInstance(FunctionNode node, INetworkFunction function, int lane, int pendingCapacity)
    {
        Node = node;
        Function = function;
        Lane = lane;
        Outputs = node.Outputs;
        Drops = new long[node.DropReasons.Count];
        Pending = new PacketBatch(pendingCapacity);
    }

    /// <summary>The topology function this is an instance of.</summary>
    public FunctionNode Node { get; }

    /// <summary>The running function.</summary>
    public INetworkFunction Function { get; }

    /// <summary>The lane (worker) that runs it.</summary>
    public int Lane { get; }

    /// <summary>Packets dropped, by reason number. Written by the worker only.</summary>
    public long[] Drops { get; }

    /// <summary>Packets handed to this instance. Written by the worker only.</summary>
    public long ProcessedPackets;

    /// <summary>Batches handed to this instance. Written by the worker only.</summary>
    public long ProcessedBatches;

    /// <summary>When the instance asked for its next timer call (<see cref="Emitter.WakeAt"/>); long.MaxValue for none.</summary>
    internal long WakeAt = long.MaxValue;

    // The node's, here too so that sending a packet reads one object less.
    internal GraphEndpoint[] Outputs { get; }

    internal PacketBatch Pending { get; set; }

    internal bool Scheduled { get; set; }
}

using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Graph;

/// <summary>Collects functions, external ports and links, then compiles them into a <see cref="PacketGraph"/>.</summary>
public sealed class GraphBuilder
{
    private readonly List<(string Name, IReadOnlyList<INetworkFunction> Instances, int PortCount, IReadOnlyList<string> DropReasons, IReadOnlyList<string>? PortNames)> _functions = [];
    private readonly List<IFramePort> _ports = [];
    private readonly List<(GraphEndpoint A, GraphEndpoint B, LinkCapture? Capture)> _links = [];

    /// <summary>Adds a function with <paramref name="portCount"/> ports; returns its index.</summary>
    /// <param name="name">The function's name.</param>
    /// <param name="function">The running function.</param>
    /// <param name="portCount">How many ports it has.</param>
    /// <param name="dropReasons">Its drop reasons' names, by number.</param>
    /// <param name="portNames">Its ports' names, by number, for traces; null to call them by number.</param>
    public int AddFunction(string name, INetworkFunction function, int portCount, IReadOnlyList<string> dropReasons, IReadOnlyList<string>? portNames = null) =>
        AddFunction(name, [function], portCount, dropReasons, portNames);

    /// <summary>
    /// Adds a function run as an instance per worker (one per lane, by lane: the graph must be built with as many lanes),
    /// or as one instance when <paramref name="instances"/> has one; returns its index. Each lane runs its own instance:
    /// what a lane delivers to the function goes to that lane's, never handed over.
    /// </summary>
    /// <param name="name">The function's name.</param>
    /// <param name="instances">The running instances, by lane.</param>
    /// <param name="portCount">How many ports it has.</param>
    /// <param name="dropReasons">Its drop reasons' names, by number.</param>
    /// <param name="portNames">Its ports' names, by number, for traces; null to call them by number.</param>
    public int AddFunction(string name, IReadOnlyList<INetworkFunction> instances, int portCount, IReadOnlyList<string> dropReasons, IReadOnlyList<string>? portNames = null)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentOutOfRangeException.ThrowIfZero(instances.Count);
        _functions.Add((name, instances, portCount, dropReasons, portNames));
        return _functions.Count - 1;
    }

    /// <summary>Adds an external port; returns its index.</summary>
    public int AddPort(IFramePort port)
    {
        _ports.Add(port);
        return _ports.Count - 1;
    }

    /// <summary>Joins two endpoints with a wire: frames flow both ways.</summary>
    /// <param name="a">One end.</param>
    /// <param name="b">The other end.</param>
    /// <param name="capture">Where every frame crossing the wire, either way, is recorded; null for none.</param>
    public void Link(GraphEndpoint a, GraphEndpoint b, LinkCapture? capture = null) => _links.Add((a, b, capture));

    /// <summary>Compiles the graph, for one worker. Packets come from <paramref name="pool"/>.</summary>
    /// <exception cref="InvalidOperationException">An endpoint does not exist or is linked twice.</exception>
    public PacketGraph Build(PacketPool pool, GraphOptions options) => Build([pool], options);

    /// <summary>
    /// Compiles the graph for as many workers as <paramref name="pools"/> has pools (one each) and returns its first lane
    /// (<see cref="PacketGraph.Lanes"/> has them all). A port with a queue per lane (<see cref="IFramePort.Queues"/>: a
    /// multi-queue TAP) runs on every lane, each on its own queue, and so does a function added with an instance per lane.
    /// Unless told otherwise, any other external port <c>i</c> is placed on lane <c>i mod N</c>, and function <c>j</c> on
    /// lane <c>j mod N</c>: a worker reads and writes its own ports, so the cost of TAP I/O, the largest part of a frame's
    /// (docs/tap-and-lab-notes.md), is spread over the workers.
    /// </summary>
    /// <param name="pools">Each lane's packets.</param>
    /// <param name="options">The graph's limits.</param>
    /// <param name="functionLanes">The lane of each function, by index (ignored for one with an instance per lane); null for the rule above.</param>
    /// <param name="portLanes">The lane of each external port, by index; null for the rule above.</param>
    /// <exception cref="InvalidOperationException">An endpoint does not exist or is linked twice, or a function has several instances but not one per lane.</exception>
    public PacketGraph Build(IReadOnlyList<PacketPool> pools, GraphOptions options, IReadOnlyList<int>? functionLanes = null, IReadOnlyList<int>? portLanes = null)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentOutOfRangeException.ThrowIfZero(pools.Count);
        int lanes = pools.Count;
        int FunctionLane(int i) => functionLanes is null ? i % lanes : CheckLane(functionLanes[i], nameof(functionLanes));
        int PortLane(int i) => portLanes is null ? i % lanes : CheckLane(portLanes[i], nameof(portLanes));
        int CheckLane(int lane, string name) => (uint)lane < (uint)lanes ? lane : throw new ArgumentOutOfRangeException(name, lane, $"There are {lanes} lanes.");
        foreach (var (name, instances, _, _, _) in _functions)
        {
            if (instances.Count != 1 && instances.Count != lanes)
            {
                throw new InvalidOperationException($"Function '{name}' has {instances.Count} instances for {lanes} lane(s): it needs one, or one per lane.");
            }
        }

        var functionOutputs = _functions.Select(f => new GraphEndpoint[f.PortCount]).ToArray();
        var portOutputs = new GraphEndpoint[_ports.Count];
        foreach (var (a, b, _) in _links)
        {
            Connect(a, b);
            Connect(b, a);
        }
        // A pending batch can never overflow: every packet alive is in the pools' capacity, and so can a handoff ring.
        int packets = pools.Sum(p => p.Capacity);
        var functions = _functions.Select((f, i) => new FunctionNode(i, f.Name, f.Instances, functionOutputs[i], f.DropReasons, packets, lanes,
            f.Instances.Count == 1 ? FunctionLane(i) : -1, f.PortNames)).ToArray();
        var ports = _ports.Select((p, i) => new PortNode(p, portOutputs[i], packets, lanes, PortLane(i))).ToArray();
        var graphs = pools.Select((pool, lane) => new PacketGraph(functions, ports, pool, options, lane, packets)).ToArray();
        if (graphs.Length > 1)
        {
            PacketGraph.Join(graphs, packets);
        }
        var graph = graphs[0];
        foreach (var (a, b, capture) in _links)
        {
            if (capture is not null)
            {
                graph.AttachCapture(a, b, capture);
            }
        }
        return graph;

        void Connect(GraphEndpoint from, GraphEndpoint to)
        {
            GraphEndpoint[] outputs;
            int index;
            if (from.Kind == GraphEndpointKind.Function && (uint)from.Index < (uint)functionOutputs.Length &&
                (uint)from.Port < (uint)functionOutputs[from.Index].Length)
            {
                (outputs, index) = (functionOutputs[from.Index], from.Port);
            }
            else if (from.Kind == GraphEndpointKind.ExternalPort && (uint)from.Index < (uint)portOutputs.Length)
            {
                (outputs, index) = (portOutputs, from.Index);
            }
            else
            {
                throw new InvalidOperationException($"The link endpoint {from} does not exist.");
            }
            ref GraphEndpoint slot = ref outputs[index];
            if (slot.Kind != GraphEndpointKind.None)
            {
                throw new InvalidOperationException($"The endpoint {from} is linked twice.");
            }
            slot = to;
        }
    }
}

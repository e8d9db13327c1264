using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Graph;

/// <summary>Collects functions, external ports and links, then compiles them into a <see cref="PacketGraph"/>.</summary>
public sealed class GraphBuilder
{
    private readonly List<(string Name, INetworkFunction Function, int PortCount, IReadOnlyList<string> DropReasons, IReadOnlyList<string>? PortNames)> _functions = [];
    private readonly List<IFramePort> _ports = [];
    private readonly List<(GraphEndpoint A, GraphEndpoint B, LinkCapture? Capture)> _links = [];

    /// <summary>Adds a function with <paramref name="portCount"/> ports; returns its index.</summary>
    /// <param name="name">The function's name.</param>
    /// <param name="function">The running function.</param>
    /// <param name="portCount">How many ports it has.</param>
    /// <param name="dropReasons">Its drop reasons' names, by number.</param>
    /// <param name="portNames">Its ports' names, by number, for traces; null to call them by number.</param>
    public int AddFunction(string name, INetworkFunction function, int portCount, IReadOnlyList<string> dropReasons, IReadOnlyList<string>? portNames = null)
    {
        _functions.Add((name, function, portCount, dropReasons, portNames));
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

    /// <summary>Compiles the graph. Packets come from <paramref name="pool"/>.</summary>
    /// <exception cref="InvalidOperationException">An endpoint does not exist or is linked twice.</exception>
    public PacketGraph Build(PacketPool pool, GraphOptions options)
    {
        var functionOutputs = _functions.Select(f => new GraphEndpoint[f.PortCount]).ToArray();
        var portOutputs = new GraphEndpoint[_ports.Count];
        foreach (var (a, b, _) in _links)
        {
            Connect(a, b);
            Connect(b, a);
        }
        // A pending batch can never overflow: every packet alive is in the pool's capacity.
        var functions = _functions.Select((f, i) => new FunctionNode(f.Name, f.Function, functionOutputs[i], f.DropReasons, pool.Capacity, f.PortNames)).ToArray();
        var ports = _ports.Select((p, i) => new PortNode(p, portOutputs[i], pool.Capacity)).ToArray();
        var graph = new PacketGraph(functions, ports, pool, options);
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

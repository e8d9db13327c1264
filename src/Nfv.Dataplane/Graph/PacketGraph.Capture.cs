using Nfv.Dataplane.Capture;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// Link captures attached and detached while the graph runs (<c>nfv capture</c>). Both ends of a link hold the head of
/// one list of captures (<see cref="LinkCapture.Next"/>): the <c>capture:</c> file of the topology and any number of
/// clients. Worker thread only, between two batches, like everything that changes the graph.
/// </summary>
public sealed partial class PacketGraph
{
    /// <summary>
    /// Starts recording every frame that crosses the link between <paramref name="a"/> and <paramref name="b"/>, both
    /// ways, into <paramref name="capture"/>. Worker thread only (<see cref="PipelineWorker.InvokeAsync{T}"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The two endpoints are not linked to each other, or the capture is attached already.</exception>
    public void AttachCapture(GraphEndpoint a, GraphEndpoint b, LinkCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (!Output(a).Equals(b) || !Output(b).Equals(a))
        {
            throw new ArgumentException($"The endpoints {a} and {b} are not linked to each other.");
        }
        if (IsAttached(a, capture))
        {
            throw new ArgumentException("The capture is already attached.", nameof(capture));
        }
        var head = CaptureHead(a);
        capture.Next = null;
        capture.Shared = _lanes.Length > 1;
        if (head is null)
        {
            SetCaptureHead(a, capture);
            SetCaptureHead(b, capture);
            return;
        }
        var tail = head;
        while (tail.Next is not null)
        {
            tail = tail.Next;
        }
        tail.Next = capture;
    }

    /// <summary>
    /// Stops recording into <paramref name="capture"/>, attached to the link between <paramref name="a"/> and
    /// <paramref name="b"/>; false when it was not attached there. Once this returns (on the worker), the worker will not
    /// touch the capture again: its consumer may drain what is left and dispose it. Worker thread only.
    /// </summary>
    public bool DetachCapture(GraphEndpoint a, GraphEndpoint b, LinkCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        if (!Output(a).Equals(b))
        {
            return false;
        }
        var head = CaptureHead(a);
        if (head == capture)
        {
            SetCaptureHead(a, capture.Next);
            SetCaptureHead(b, capture.Next);
            capture.Next = null;
            return true;
        }
        for (var c = head; c is not null; c = c.Next)
        {
            if (c.Next == capture)
            {
                c.Next = capture.Next;
                capture.Next = null;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Stops recording into <paramref name="capture"/>, wherever in this graph it is attached (a graph that replaced the
    /// one it was attached to carries it on the same link, under other indices); false when it is attached nowhere.
    /// Worker thread only.
    /// </summary>
    public bool DetachCapture(LinkCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        foreach (var (a, b, _) in CapturedLinks())
        {
            if (IsAttached(a, capture))
            {
                return DetachCapture(a, b, capture);
            }
        }
        return false;
    }

    private bool IsAttached(GraphEndpoint end, LinkCapture capture)
    {
        for (var c = CaptureHead(end); c is not null; c = c.Next)
        {
            if (c == capture)
            {
                return true;
            }
        }
        return false;
    }

    // Each captured link once: its two ends and the head of its list of captures.
    private IEnumerable<(GraphEndpoint A, GraphEndpoint B, LinkCapture Head)> CapturedLinks()
    {
        var seen = new HashSet<LinkCapture>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i].Capture is { } head && seen.Add(head))
            {
                yield return (GraphEndpoint.External(i), _ports[i].Output, head);
            }
        }
        for (int i = 0; i < _functions.Length; i++)
        {
            var captures = _functions[i].Captures;
            for (int port = 0; captures is not null && port < captures.Length; port++)
            {
                if (captures[port] is { } head && seen.Add(head))
                {
                    yield return (GraphEndpoint.Function(i, port), _functions[i].Outputs[port], head);
                }
            }
        }
    }

    // nfv apply: the captures attached to a link of the graph this one replaces go on recording that link here, found by
    // the names of its two ends (a function and its port, or an external port), which a rebuilt function keeps; one whose
    // link is gone is told so. Captures this graph was built with (a link's capture: file) are not attached twice.
    private void CarryCaptures(PacketGraph previous)
    {
        var functions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _functions.Length; i++)
        {
            functions[_functions[i].Name] = i;
        }
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _ports.Length; i++)
        {
            ports[_ports[i].Port.Name] = i;
        }
        foreach (var (oldA, oldB, head) in previous.CapturedLinks())
        {
            var attached = new List<LinkCapture>();
            for (var c = head; c is not null; c = c.Next)
            {
                attached.Add(c);
            }
            GraphEndpoint? a = Here(oldA), b = Here(oldB);
            bool linked = a is { } x && b is { } y && Output(x).Equals(y) && Output(y).Equals(x);
            foreach (var capture in attached)
            {
                if (!linked)
                {
                    capture.LinkRemoved = true;
                    continue;
                }
                if (!IsAttached(a!.Value, capture))
                {
                    AttachCapture(a.Value, b!.Value, capture);
                }
            }
        }

        GraphEndpoint? Here(GraphEndpoint before)
        {
            if (before.Kind == GraphEndpointKind.ExternalPort)
            {
                return ports.TryGetValue(previous._ports[before.Index].Port.Name, out int port) ? GraphEndpoint.External(port) : null;
            }
            var node = previous._functions[before.Index];
            if (before.Kind != GraphEndpointKind.Function || !functions.TryGetValue(node.Name, out int function))
            {
                return null;
            }
            int index = IndexOf(_functions[function].PortNames, node.PortNames[before.Port]);
            return index >= 0 ? GraphEndpoint.Function(function, index) : null;
        }

        static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    private GraphEndpoint Output(GraphEndpoint from) => from.Kind switch
    {
        GraphEndpointKind.Function when (uint)from.Index < (uint)_functions.Length && (uint)from.Port < (uint)_functions[from.Index].Outputs.Length
            => _functions[from.Index].Outputs[from.Port],
        GraphEndpointKind.ExternalPort when (uint)from.Index < (uint)_ports.Length => _ports[from.Index].Output,
        _ => default,
    };

    private LinkCapture? CaptureHead(GraphEndpoint end) => end.Kind == GraphEndpointKind.ExternalPort
        ? _ports[end.Index].Capture
        : _functions[end.Index].Captures?[end.Port];

    private void SetCaptureHead(GraphEndpoint end, LinkCapture? capture)
    {
        if (end.Kind == GraphEndpointKind.ExternalPort)
        {
            _ports[end.Index].Capture = capture;
            return;
        }
        var node = _functions[end.Index];
        if (capture is not null)
        {
            node.Captures ??= new LinkCapture?[node.Outputs.Length];
            node.Captures[end.Port] = capture;
        }
        else if (node.Captures is { } captures)
        {
            captures[end.Port] = null;
            // No captured link left: back to the one null check per emitted packet.
            if (Array.TrueForAll(captures, c => c is null))
            {
                node.Captures = null;
            }
        }
    }
}

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
        var head = CaptureHead(a);
        for (var c = head; c is not null; c = c.Next)
        {
            if (c == capture)
            {
                throw new ArgumentException("The capture is already attached.", nameof(capture));
            }
        }
        capture.Next = null;
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

using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private const string LinkExample = "such as [lan1, sw] or [gw.lan, sw]";

    // A link is [a, b], or { endpoints: [a, b], capture: FILE.pcap, impair: { ... } } for a link with options.

    private void ReadLinks(ConfigNode? node)
    {
        if (node is null || node is ConfigScalar { Value: "" } || _reader.AsSequence(node, "'links'") is not { } links)
        {
            return;
        }
        // Each port (function and port index, or external port) to the link that took it first.
        var taken = new Dictionary<(EndpointKind, int, int), SourceSpan>();
        // Each capture file (full path) to the link that writes it first.
        var captures = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
        foreach (var item in links.Items)
        {
            string? capture = null;
            ConfigNode? endpoints = item;
            ConfigNode? impair = null;
            if (item is ConfigMapping options)
            {
                (endpoints, capture) = ReadLinkOptions(options, captures);
                impair = options["impair"];
                if (endpoints is null)
                {
                    continue;
                }
            }
            if (endpoints is not ConfigSequence pair)
            {
                _diagnostics.Error(DiagnosticCodes.BadLink, endpoints.Span,
                    item is ConfigMapping
                        ? $"a link's 'endpoints' must be a list of two ends {LinkExample}, not {endpoints.Describe()}"
                        : $"a link must be a list of two ends {LinkExample}, or {{ endpoints: [a, b], capture: FILE.pcap }}, not {item.Describe()}");
                continue;
            }
            if (pair.Items.Count != 2 || pair.Items[0] is not ConfigScalar a || pair.Items[1] is not ConfigScalar b)
            {
                ReportMalformed(pair);
                continue;
            }

            var endA = ResolveEnd(a, b.Value);
            var endB = ResolveEnd(b, a.Value);
            if (endA is null || endB is null)
            {
                continue;
            }
            if (endA.Kind == endB.Kind && endA.Index == endB.Index && endA.Port == endB.Port)
            {
                _diagnostics.Error(DiagnosticCodes.BadLink, pair.Span, $"a link cannot join '{endA.Display}' to itself");
                continue;
            }
            bool freeA = Take(endA, a.Span, pair.Span, taken);
            bool freeB = Take(endB, b.Span, pair.Span, taken);
            if (!freeA || !freeB)
            {
                continue;
            }
            if (impair is null)
            {
                _links.Add(new ResolvedLink(endA, endB, item.Span) { Capture = capture });
            }
            else if (Impairment(impair, endA, endB, $"impair-{a.Value}-{b.Value}".Replace('.', '-')) is var (inside, outside))
            {
                // The wire becomes two: a to the impairment's inside, its outside to b. A capture sees the first end's side.
                _links.Add(new ResolvedLink(endA, inside, item.Span) { Capture = capture });
                _links.Add(new ResolvedLink(outside, endB, item.Span));
            }
        }
    }

    /// <summary>
    /// The function that impairs a link (<c>impair: { delay: 20ms, ... }</c>, keys of <c>kind: impair</c>, outbound being
    /// from the link's first end to its second): declared under a name of its own, <paramref name="name"/>
    /// (<c>impair-A-B</c>, the ends as written, dots as dashes) unless that is taken, on the first end's node. Returns its
    /// inside and outside ends; null after reporting a problem.
    /// </summary>
    private (LinkEndpoint Inside, LinkEndpoint Outside)? Impairment(ConfigNode impair, LinkEndpoint a, LinkEndpoint b, string name)
    {
        if (_reader.AsMapping(impair, "a link's 'impair'") is not { } settings)
        {
            return null;
        }
        for (int n = 2; _names.ContainsKey(name) || Names.NameProblem(name) is not null; n++)
        {
            name = $"impair-{_links.Count + 1}-{n}";
        }
        var key = new ConfigScalar(name, impair.Span);
        var entry = new FunctionEntry(name, impair.Span);
        _functions.Add(entry);
        Declare(key, EndpointKind.Function, _functions.Count - 1);
        var kind = new KeyValuePair<ConfigScalar, ConfigNode>(new ConfigScalar("kind", impair.Span), new ConfigScalar("impair", impair.Span));
        Define(entry, new ConfigMapping([kind, .. settings.Entries], settings.Span));
        entry.Node = NodeOf(a);
        var inside = ResolveEnd(new ConfigScalar(name + ".inside", impair.Span), a.Display);
        var outside = ResolveEnd(new ConfigScalar(name + ".outside", impair.Span), b.Display);
        return inside is null || outside is null ? null : (inside, outside);
    }

    private string? NodeOf(LinkEndpoint end) => end.Kind == EndpointKind.Function ? _functions[end.Index].Node : _ports[end.Index].Node;

    /// <summary>
    /// Reads <c>{ endpoints: [a, b], capture: FILE.pcap }</c>: the endpoints node (null after reporting it
    /// missing) and the capture file, relative to the topology file's folder (null when absent or refused).
    /// </summary>
    private (ConfigNode? Endpoints, string? Capture) ReadLinkOptions(ConfigMapping options, Dictionary<string, SourceSpan> captures)
    {
        _reader.CheckKeys(options, "a link", "endpoints", "capture", "impair");
        var endpoints = _reader.Required(options, "endpoints", $"a link written as a mapping ({{ endpoints: [a, b], capture: FILE.pcap, impair: {{ delay: 20ms }} }})");
        if (options["capture"] is not { } node || _reader.AsScalar(node, "a link's 'capture'") is not { } file)
        {
            return (endpoints, null);
        }
        if (file.Value.Length == 0)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, file.Span, "a link's 'capture' is empty; write a file name such as lan1.pcap");
            return (endpoints, null);
        }
        string path;
        try
        {
            path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_file)) ?? "", file.Value));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            _diagnostics.Error(DiagnosticCodes.BadName, file.Span, $"capture file '{file.Value}' is not a usable path: {ex.Message}");
            return (endpoints, null);
        }
        if (captures.TryGetValue(path, out var first))
        {
            _diagnostics.Error(DiagnosticCodes.BadLink, file.Span, $"capture file '{file.Value}' is already written by the link at {first}; give each link its own file");
            return (endpoints, null);
        }
        captures.Add(path, file.Span);
        return (endpoints, path);
    }

    private void ReportMalformed(ConfigSequence pair)
    {
        if (pair.Items.Count != 2)
        {
            var found = pair.Items.Count == 0 ? "an empty list" : $"{pair.Items.Count} {(pair.Items.Count == 1 ? "end" : "ends")}";
            _diagnostics.Error(DiagnosticCodes.BadLink, pair.Span, $"a link must join exactly two ends {LinkExample}, not {found}");
        }
        foreach (var end in pair.Items)
        {
            if (end is ConfigScalar scalar)
            {
                // The link is refused, but what it names is not "unlinked": no second message about it.
                MarkLinked(scalar.Value);
            }
            else
            {
                _diagnostics.Error(DiagnosticCodes.BadLink, end.Span,
                    $"a link end must be a name such as lan1 or gw.lan, not {end.Describe()}");
            }
        }
    }

    private void MarkLinked(string end)
    {
        int dot = end.IndexOf('.');
        if (_names.TryGetValue(dot < 0 ? end : end[..dot], out var declared))
        {
            if (declared.Kind == EndpointKind.Function)
            {
                _functions[declared.Index].Linked = true;
            }
            else
            {
                _ports[declared.Index].Linked = true;
            }
        }
    }

    /// <summary>Resolves one end of a link, attaching it to its function; null after reporting.</summary>
    private LinkEndpoint? ResolveEnd(ConfigScalar end, string peer)
    {
        string text = end.Value;
        if (text.Length == 0)
        {
            _diagnostics.Error(DiagnosticCodes.BadLink, end.Span, "a link end is empty; write a function or port name such as lan1 or gw.lan");
            return null;
        }
        int dot = text.IndexOf('.');
        string name = dot < 0 ? text : text[..dot];
        string? port = dot < 0 ? null : text[(dot + 1)..];

        if (!_names.TryGetValue(name, out var declared))
        {
            _diagnostics.Error(DiagnosticCodes.UnknownPort, end.Span,
                $"'{name}' is neither a function nor a port of this topology{Names.DidYouMean(name, _names.Keys)}");
            return null;
        }

        if (declared.Kind == EndpointKind.ExternalPort)
        {
            _ports[declared.Index].Linked = true;
            if (port is not null)
            {
                _diagnostics.Error(DiagnosticCodes.UnknownPort, end.Span,
                    $"'{name}' is an external port, which has no ports of its own; write '{name}', not '{text}'");
                return null;
            }
            return !_ports[declared.Index].IsDeclared ? null : new LinkEndpoint(EndpointKind.ExternalPort, declared.Index, 0, name);
        }

        var function = _functions[declared.Index];
        function.Linked = true;
        if (port is { Length: 0 })
        {
            _diagnostics.Error(DiagnosticCodes.BadLink, end.Span, $"'{text}' has no port name after the '.'; write '{name}' or '{name}.PORT'");
            return null;
        }
        if (function.Blueprint is not { } blueprint)
        {
            return null; // its definition was refused, and said why
        }

        int errors = ErrorCount();
        int index = blueprint.Attach(port, peer, end.Span, _diagnostics);
        if (index < 0 || index >= blueprint.Ports.Count)
        {
            if (ErrorCount() == errors)
            {
                _diagnostics.Error(DiagnosticCodes.UnknownPort, end.Span, port is null
                    ? $"function '{name}' cannot take a link without a port name; write '{name}.PORT'"
                    : $"function '{name}' has no port '{port}'");
            }
            return null;
        }
        return new LinkEndpoint(EndpointKind.Function, declared.Index, index, $"{name}.{blueprint.Ports[index]}");
    }

    /// <summary>Claims a port for one link; false after reporting that an earlier link has it.</summary>
    private bool Take(LinkEndpoint end, SourceSpan endSpan, SourceSpan linkSpan, Dictionary<(EndpointKind, int, int), SourceSpan> taken)
    {
        var key = (end.Kind, end.Index, end.Port);
        if (taken.TryGetValue(key, out var first))
        {
            _diagnostics.Error(DiagnosticCodes.BadLink, endSpan, $"'{end.Display}' is already linked at {first}; a port takes one link");
            return false;
        }
        taken.Add(key, linkSpan);
        return true;
    }
}

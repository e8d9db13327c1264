using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private readonly List<ResolvedNode> _nodes = [];

    // nodes: { a: { address: 192.0.2.1 }, b: { address: 192.0.2.2 } }
    private void ReadNodes(ConfigNode? node)
    {
        if (node is null || _reader.AsMapping(node, "'nodes'") is not { } nodes)
        {
            return;
        }
        foreach (var (key, value) in nodes.Entries)
        {
            CheckName(key, "node");
            string what = $"node '{key.Value}'";
            if (_reader.AsMapping(value, what) is not { } config)
            {
                continue;
            }
            _reader.CheckKeys(config, what, "address");
            if (_reader.Required(config, "address", what) is { } addressNode && _reader.Address(addressNode, $"the address of {what}") is { } address)
            {
                if (_nodes.FirstOrDefault(n => n.Name == key.Value || n.Address == address) is { } other)
                {
                    _diagnostics.Error(DiagnosticCodes.DuplicateName, key.Span, other.Name == key.Value
                        ? $"node '{key.Value}' is declared twice (first at {other.Span})"
                        : $"node '{key.Value}' has the address of node '{other.Name}' ({address}); each machine has its own");
                    continue;
                }
                _nodes.Add(new ResolvedNode(key.Value, address, key.Span));
            }
        }
    }

    // The `node:` of a function's or port's mapping, checked against `nodes:`; it is not part of the function's own
    // configuration, so factories never see it (ConfigWithoutNode).
    private string? ReadNodeName(ConfigMapping config, string what)
    {
        if (config["node"] is not { } node || _reader.AsScalar(node, $"the node of {what}") is not { } name)
        {
            return null;
        }
        if (_nodes.Count == 0)
        {
            _diagnostics.Error(DiagnosticCodes.BadNode, node.Span,
                $"{what} names node '{name.Value}', but the topology has no 'nodes:' section saying which machines there are");
            return null;
        }
        if (_nodes.All(n => n.Name != name.Value))
        {
            _diagnostics.Error(DiagnosticCodes.BadNode, node.Span,
                $"{what} names node '{name.Value}', which is not under 'nodes:' ({string.Join(", ", _nodes.Select(n => n.Name))}){Names.DidYouMean(name.Value, _nodes.Select(n => n.Name))}");
        }
        return name.Value; // even a wrong one: it was given, and said to be wrong
    }

    private static ConfigMapping ConfigWithoutNode(ConfigMapping config) =>
        config["node"] is null ? config : new ConfigMapping([.. config.Entries.Where(e => e.Key.Value != "node")], config.Span);

    // With nodes, every function and port runs on one: a feature on its user's, the rest where they say.
    private void ResolveNodes()
    {
        if (_nodes.Count == 0)
        {
            return;
        }
        for (int i = 0; i < _functions.Count; i++)
        {
            var function = _functions[i];
            if (function.Blueprint is FeatureBlueprint && _featureUsers.TryGetValue(i, out var use))
            {
                int owner = use.User;
                string? ownerNode = _functions[owner].Node;
                if (function.Node is not null && ownerNode is not null && function.Node != ownerNode)
                {
                    _diagnostics.Error(DiagnosticCodes.BadNode, function.Span,
                        $"function '{function.Name}' is a feature of '{_functions[owner].Name}', which runs on node '{ownerNode}', not '{function.Node}'; leave out its 'node:', it follows");
                }
                function.Node = ownerNode;
                continue;
            }
            if (function.Node is null && function.Blueprint is not null)
            {
                _diagnostics.Error(DiagnosticCodes.BadNode, function.Span,
                    $"function '{function.Name}' needs 'node:', the machine it runs on ({string.Join(", ", _nodes.Select(n => n.Name))}), since the topology has 'nodes:'");
            }
        }
        foreach (var port in _ports)
        {
            if (port.Node is null && port.IsDeclared)
            {
                _diagnostics.Error(DiagnosticCodes.BadNode, port.Span,
                    $"port '{port.Name}' needs 'node:', the machine its TAP or tunnel is on ({string.Join(", ", _nodes.Select(n => n.Name))}), since the topology has 'nodes:'");
            }
        }
    }
}

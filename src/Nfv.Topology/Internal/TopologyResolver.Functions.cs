using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private void ReadFunctions(ConfigNode? node)
    {
        if (node is null || _reader.AsMapping(node, "'functions'") is not { } functions)
        {
            return;
        }
        foreach (var (key, value) in functions.Entries)
        {
            var entry = new FunctionEntry(key.Value, key.Span);
            _functions.Add(entry);
            CheckName(key, "function");
            Declare(key, EndpointKind.Function, _functions.Count - 1);
            Define(entry, value);
        }
    }

    private void Define(FunctionEntry entry, ConfigNode value)
    {
        if (_reader.AsMapping(value, $"function '{entry.Name}'") is not { } config)
        {
            return;
        }
        var kindNode = config["kind"];
        if (kindNode is null or ConfigScalar { Value: "" })
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, entry.Span, $"function '{entry.Name}' needs 'kind'; {KnownKinds()}");
            return;
        }
        if (_reader.AsScalar(kindNode, $"the kind of function '{entry.Name}'") is not { } kind)
        {
            return;
        }
        if (!_catalog.TryGet(kind.Value, out var factory))
        {
            if (_pluginRefused)
            {
                return; // perhaps the kind of the plugin already reported: one mistake, one error
            }
            _diagnostics.Error(DiagnosticCodes.UnknownKind, kind.Span,
                $"function '{entry.Name}' has unknown kind '{kind.Value}'; {KnownKinds()}{Names.DidYouMean(kind.Value, _catalog.Kinds)}");
            return;
        }

        entry.Node = ReadNodeName(config, $"function '{entry.Name}'");
        int errors = ErrorCount();
        int reported = _diagnostics.Items.Count;
        entry.Config = ConfigWithoutNode(config);
        var blueprint = factory.Define(new FunctionDefinitionContext(entry.Name, entry.Config, _diagnostics));
        CheckCodes(factory, reported);
        if (blueprint is null && ErrorCount() == errors)
        {
            _diagnostics.Error(DiagnosticCodes.UnknownKind, kind.Span,
                $"kind '{factory.Kind}' refused function '{entry.Name}' without saying why");
        }
        entry.Kind = factory.Kind;
        entry.Blueprint = blueprint;
    }

    // A function reports the shared codes and its own: a code outside both would collide with another kind's.
    private void CheckCodes(INetworkFunctionFactory factory, int from)
    {
        int end = _diagnostics.Items.Count;
        for (int i = from; i < end; i++)
        {
            var code = _diagnostics.Items[i].Code;
            if (!code.StartsWith(DiagnosticCodes.SharedPrefix, StringComparison.Ordinal) && !code.StartsWith(factory.DiagnosticPrefix, StringComparison.Ordinal))
            {
                _diagnostics.Error(DiagnosticCodes.ForeignCode, _diagnostics.Items[i].Span,
                    $"kind '{factory.Kind}' reported code {code}, outside its own prefix {factory.DiagnosticPrefix} and the shared {DiagnosticCodes.SharedPrefix}xxx codes (a bug in that function)");
            }
        }
    }

    private string KnownKinds() =>
        _catalog.Kinds.Count == 0 ? "no function kinds are installed" : $"known kinds: {string.Join(", ", _catalog.Kinds)}";
}

using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private void ReadPorts(ConfigNode? node)
    {
        if (node is null || _reader.AsMapping(node, "'ports'") is not { } ports)
        {
            return;
        }
        var taps = new Dictionary<string, (string Port, SourceSpan Span)>(StringComparer.Ordinal);
        foreach (var (key, value) in ports.Entries)
        {
            var entry = new PortEntry(key.Value, key.Span);
            _ports.Add(entry);
            CheckName(key, "port");
            Declare(key, EndpointKind.ExternalPort, _ports.Count - 1);

            if (_reader.AsMapping(value, $"port '{key.Value}'") is not { } config)
            {
                continue;
            }
            _reader.CheckKeys(config, $"port '{key.Value}'", "tap");
            var tapNode = config["tap"];
            if (tapNode is null)
            {
                _diagnostics.Error(DiagnosticCodes.MissingKey, key.Span,
                    $"port '{key.Value}' needs 'tap': the name of its TAP interface, such as nfv-{Truncate(key.Value, 11)}");
                continue;
            }
            if (_reader.AsScalar(tapNode, $"the tap of port '{key.Value}'") is not { } tap)
            {
                continue;
            }
            if (Names.InterfaceNameProblem(tap.Value) is { } problem)
            {
                _diagnostics.Error(DiagnosticCodes.BadName, tap.Span, $"TAP name '{tap.Value}' {problem}");
                continue;
            }
            if (taps.TryGetValue(tap.Value, out var other))
            {
                _diagnostics.Error(DiagnosticCodes.DuplicateName, tap.Span,
                    $"TAP '{tap.Value}' is already used by port '{other.Port}' at {other.Span}");
                continue;
            }
            taps.Add(tap.Value, (key.Value, tap.Span));
            entry.Tap = tap.Value;
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

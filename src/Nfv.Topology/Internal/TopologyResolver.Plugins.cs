using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private bool _pluginRefused;

    /// <summary>
    /// Loads the plugins of <c>plugins:</c> (paths relative to the file's folder) and adds their kinds to the catalog, so
    /// the functions read next may use them; a plugin that cannot be used is an error at its entry.
    /// </summary>
    /// <returns>The full paths of the plugins named.</returns>
    private List<string> ReadPlugins(ConfigNode? node)
    {
        var paths = new List<string>();
        if (node is null || _reader.AsSequence(node, "'plugins'") is not { } entries)
        {
            return paths;
        }
        foreach (var entry in entries.Items)
        {
            if (_reader.AsScalar(entry, "a plugin (the path of its assembly)") is not { Value.Length: > 0 } written)
            {
                continue;
            }
            var path = Path.GetFullPath(written.Value, Path.GetDirectoryName(Path.GetFullPath(_file))!);
            paths.Add(path);
            if (_plugins is null)
            {
                Refuse(written.Span, $"plugin {written.Value}: this tool does not load plugins");
            }
            else if (!_plugins.TryLoad(path, out var factories, out var problem))
            {
                Refuse(written.Span, problem);
            }
            else if (factories.FirstOrDefault(f => _catalog.TryGet(f.Kind, out _)) is { } clash)
            {
                _catalog.TryGet(clash.Kind, out var first);
                Refuse(written.Span, $"plugin {written.Value}: kind '{clash.Kind}' is already made by {first!.GetType().Assembly.Location}");
            }
            else
            {
                try
                {
                    _catalog = _catalog.With(factories);
                }
                catch (ArgumentException ex)
                {
                    Refuse(written.Span, $"plugin {written.Value}: {ex.Message}");
                }
            }
        }
        return paths;
    }

    private void Refuse(SourceSpan span, string message)
    {
        _diagnostics.Error(DiagnosticCodes.BadPlugin, span, message);
        _pluginRefused = true;
    }
}

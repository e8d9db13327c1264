using System.Diagnostics.CodeAnalysis;
using Nfv.Abstractions;
using Nfv.Topology;

namespace Nfv.Runtime;

/// <summary>
/// The plugins one nfv process has loaded, each once by its full path: those of the plugin folders and those a topology
/// names (<c>plugins:</c>), which the topology loader asks for through <see cref="IPluginLoader"/>.
/// </summary>
public sealed class PluginLoader : IPluginLoader
{
    private readonly Dictionary<string, Plugin> _loaded = new(StringComparer.Ordinal);

    /// <summary>The plugins loaded so far, in the order they were.</summary>
    public IReadOnlyList<Plugin> Loaded => [.. _loaded.Values];

    /// <summary>Loads the plugin at <paramref name="path"/>, or returns it when it is loaded already.</summary>
    /// <exception cref="FunctionDiscoveryException">It cannot be used (see <see cref="Plugin.Load"/>).</exception>
    public Plugin Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!_loaded.TryGetValue(full, out var plugin))
        {
            plugin = Plugin.Load(full);
            _loaded.Add(full, plugin);
        }
        return plugin;
    }

    /// <inheritdoc/>
    public bool TryLoad(string path, out IReadOnlyList<INetworkFunctionFactory> factories, [NotNullWhen(false)] out string? problem)
    {
        bool known = _loaded.ContainsKey(Path.GetFullPath(path));
        try
        {
            var plugin = Load(path);
            (factories, problem) = (known ? [] : plugin.Factories, null);
            return true;
        }
        catch (FunctionDiscoveryException ex)
        {
            (factories, problem) = ([], ex.Message);
            return false;
        }
    }

    /// <summary>Lets every plugin go (<see cref="Plugin.Unload"/>) and forgets them.</summary>
    public void UnloadAll()
    {
        foreach (var plugin in _loaded.Values)
        {
            plugin.Unload();
        }
        _loaded.Clear();
    }
}

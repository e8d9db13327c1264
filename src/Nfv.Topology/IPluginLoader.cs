using System.Diagnostics.CodeAnalysis;
using Nfv.Abstractions;

namespace Nfv.Topology;

/// <summary>
/// Loads the plugins a topology file names (<c>plugins: [path/to/My.Function.dll]</c>) before its functions are defined.
/// Nfv.Runtime loads each in a load context of its own; the loader only asks.
/// </summary>
public interface IPluginLoader
{
    /// <summary>Loads the plugin assembly at <paramref name="path"/> (a full path) and makes its factories.</summary>
    /// <param name="path">The assembly's full path.</param>
    /// <param name="factories">Its functions' factories; empty when the plugin is already loaded and its kinds known.</param>
    /// <param name="problem">Why it cannot be used, as a sentence naming the file (no such file, built against a newer contract, ...).</param>
    bool TryLoad(string path, out IReadOnlyList<INetworkFunctionFactory> factories, [NotNullWhen(false)] out string? problem);
}

using Nfv.Abstractions.Configuration;
using Nfv.Topology.Internal;

namespace Nfv.Topology;

/// <summary>
/// Loads a topology file into a <see cref="ResolvedTopology"/>, or refuses it whole with every
/// problem found, each as <c>file(line,col): error CODE: message</c>.
/// </summary>
public static class TopologyLoader
{
    /// <summary>Reads and loads the file at <paramref name="path"/>. Never throws for a bad or unreadable file.</summary>
    /// <param name="path">The file; diagnostics name it exactly as given.</param>
    /// <param name="catalog">The function kinds the file may use.</param>
    public static TopologyLoadResult Load(string path, FunctionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(catalog);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            var diagnostics = new DiagnosticBag();
            diagnostics.Error(DiagnosticCodes.FileUnreadable, new SourceSpan(path, 1, 1), $"cannot read the topology file: {ex.Message}");
            return TopologyResolver.Finish(diagnostics, null);
        }
        return LoadFromText(text, path, catalog);
    }

    /// <summary>Loads a topology from <paramref name="text"/>. Never throws for bad input.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="fileName">The name diagnostics use for the text; the topology's default name is it, without extension.</param>
    /// <param name="catalog">The function kinds the file may use.</param>
    public static TopologyLoadResult LoadFromText(string text, string fileName, FunctionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(catalog);
        return TopologyResolver.Resolve(text, fileName, catalog);
    }
}

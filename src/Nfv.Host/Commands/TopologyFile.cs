using Nfv.Abstractions.Configuration;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>How every verb that takes a topology file reads it: with the installed functions, every problem on stderr.</summary>
internal static class TopologyFile
{
    /// <summary>
    /// Loads <paramref name="path"/>, writing each diagnostic (warnings too) to <paramref name="stderr"/>; null when it is
    /// refused, or when an assembly beside nfv declares functions that cannot be made (one line naming it).
    /// </summary>
    public static ResolvedTopology? Load(string path, TextWriter stderr)
    {
        FunctionCatalog catalog;
        try
        {
            catalog = FunctionDiscovery.Installed();
        }
        catch (FunctionDiscoveryException ex)
        {
            stderr.WriteLine($"nfv: the functions installed beside nfv cannot be used: {ex.Message}");
            return null;
        }
        var result = TopologyLoader.Load(path, catalog);
        Print(result.Diagnostics, stderr);
        return result.Succeeded ? result.Topology : null;
    }

    /// <summary>Writes each diagnostic to <paramref name="stderr"/>, one line each.</summary>
    public static void Print(IEnumerable<Diagnostic> diagnostics, TextWriter stderr)
    {
        foreach (var diagnostic in diagnostics)
        {
            stderr.WriteLine(diagnostic.ToString());
        }
    }
}

using Microsoft.Extensions.Configuration;
using Nfv.Abstractions.Configuration;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>
/// How every verb that takes a topology file reads it: with the functions installed beside nfv, those of the plugin
/// folders (<c>Nfv:PluginDirectories</c>) and those of the plugins the file names (<c>plugins:</c>), every problem on
/// stderr. The plugins stay loaded for the life of the process.
/// </summary>
internal static class TopologyFile
{
    /// <summary>
    /// The <c>Nfv</c> settings as a verb other than <c>run</c> reads them: appsettings.json in the current folder, then the
    /// environment (<c>Nfv__PluginDirectories__0=/opt/nfv/plugins</c>).
    /// </summary>
    public static NfvOptions Settings()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return configuration.GetSection(NfvOptions.Section).Get<NfvOptions>() ?? new NfvOptions();
    }

    /// <summary>
    /// Loads <paramref name="path"/> with the installed functions and those of <paramref name="pluginDirectories"/>
    /// (null: the <see cref="Settings"/>' folders), writing each diagnostic (warnings too) to <paramref name="stderr"/>;
    /// null when the file is refused, or when a function beside nfv or a plugin cannot be used (one line naming it).
    /// </summary>
    public static ResolvedTopology? Load(string path, TextWriter stderr, IReadOnlyList<string>? pluginDirectories = null)
    {
        FunctionCatalog catalog;
        PluginLoader plugins;
        try
        {
            (catalog, plugins) = FunctionDiscovery.WithPlugins(pluginDirectories ?? Settings().PluginDirectories);
        }
        catch (FunctionDiscoveryException ex)
        {
            stderr.WriteLine($"nfv: {ex.Message}");
            return null;
        }
        var result = TopologyLoader.Load(path, catalog, plugins);
        Print(result.Diagnostics, stderr);
        return result.Succeeded ? result.Topology : null;
    }

    /// <summary>
    /// Loads topology texts, each named by its path, with one catalog for the life of the process (a running nfv's
    /// <c>nfv apply</c>): the functions and plugin folders are discovered at the first load, the file's own plugins at
    /// each. Throws <see cref="FunctionDiscoveryException"/> when a plugin folder cannot be read.
    /// </summary>
    public static Func<string, string, TopologyLoadResult> Reader(IReadOnlyList<string> pluginDirectories)
    {
        (FunctionCatalog Catalog, PluginLoader Plugins)? found = null;
        return (text, path) =>
        {
            found ??= FunctionDiscovery.WithPlugins(pluginDirectories);
            return TopologyLoader.LoadFromText(text, path, found.Value.Catalog, found.Value.Plugins);
        };
    }

    /// <summary>
    /// The part of <paramref name="topology"/> this machine runs: the whole of it, or, split over nodes, the part of node
    /// <paramref name="node"/>; null after saying why on <paramref name="stderr"/> (no --node for a split topology, an
    /// unknown node, a --node for one that is not split).
    /// </summary>
    public static ResolvedTopology? Part(ResolvedTopology topology, string? node, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(stderr);
        if (node is null && topology.Nodes.Count == 0)
        {
            return topology;
        }
        if (node is null)
        {
            stderr.WriteLine($"nfv: topology '{topology.Name}' is split over nodes {string.Join(", ", topology.Nodes.Select(n => n.Name))}: say which one this machine is, with --node NAME");
            return null;
        }
        try
        {
            return TopologyNodes.PartFor(topology, node);
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"nfv: {ex.Message.Split(" (Parameter", 2)[0]}");
            return null;
        }
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

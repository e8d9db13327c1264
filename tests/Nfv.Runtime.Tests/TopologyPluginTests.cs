using Nfv.Topology;

namespace Nfv.Runtime.Tests;

/// <summary>
/// A topology's own <c>plugins: [PATH]</c>: loaded before its functions are read, paths relative to the file, each plugin
/// once, and one that cannot be used is an error at its entry (and only there).
/// </summary>
public sealed class TopologyPluginTests : IDisposable
{
    private static readonly string SamplePlugin = Path.Combine(AppContext.BaseDirectory, "plugins", "sample", "Nfv.SamplePlugin.dll");
    private readonly string _folder = Directory.CreateTempSubdirectory("nfv-topology-plugins-").FullName;
    private readonly PluginLoader _plugins = new();

    public void Dispose()
    {
        _plugins.UnloadAll();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Echo(params string[] plugins) => $"""
        plugins: [{string.Join(", ", plugins)}]
        functions:
          echo: {"{"} kind: sample-echo {"}"}
        ports:
          p1: {"{"} tap: tpt-p1 {"}"}
        links:
          - [echo, p1]
        """;

    private TopologyLoadResult Load(string yaml, FunctionCatalog? catalog = null, IPluginLoader? plugins = null)
    {
        var file = Path.Combine(_folder, "lab.yaml");
        File.WriteAllText(file, yaml);
        return TopologyLoader.Load(file, catalog ?? FunctionDiscovery.Installed(), plugins ?? _plugins);
    }

    private string CopyOfSample(string folder)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_folder, folder)).FullName;
        var copy = Path.Combine(directory, "Nfv.SamplePlugin.dll");
        File.Copy(SamplePlugin, copy);
        return copy;
    }

    [Fact]
    public void A_plugin_named_relative_to_the_file_adds_its_kind()
    {
        var plugin = CopyOfSample("plugins");
        var result = Load(Echo("plugins/Nfv.SamplePlugin.dll"));
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Equal("sample-echo", Assert.Single(result.Topology!.Functions).Kind);
        Assert.Equal([plugin], result.Topology.Plugins);
        Assert.Equal([plugin], _plugins.Loaded.Select(p => p.Path));
    }

    [Fact]
    public void A_plugin_that_cannot_be_loaded_is_one_error_at_its_entry()
    {
        var result = Load(Echo("plugins/Missing.dll"));
        var error = Assert.Single(result.Diagnostics); // not also "unknown kind 'sample-echo'"
        Assert.Equal($"{_folder}/lab.yaml(1,11): error NFV0111: plugin {_folder}/plugins/Missing.dll: no such file", error.ToString());
        Assert.Empty(_plugins.Loaded);
    }

    [Fact]
    public void A_plugin_also_in_a_plugin_folder_is_loaded_once()
    {
        var folder = Path.GetDirectoryName(CopyOfSample("shared"))!;
        var (catalog, plugins) = FunctionDiscovery.WithPlugins([folder]);
        try
        {
            var result = Load(Echo("shared/Nfv.SamplePlugin.dll", "./shared/Nfv.SamplePlugin.dll"), catalog, plugins);
            Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
            Assert.Single(plugins.Loaded);
        }
        finally
        {
            plugins.UnloadAll();
        }
    }

    [Fact]
    public void Two_plugins_making_one_kind_are_refused_at_the_second()
    {
        var first = CopyOfSample("one");
        CopyOfSample("two");
        var result = Load(Echo("one/Nfv.SamplePlugin.dll", "two/Nfv.SamplePlugin.dll"));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal($"{_folder}/lab.yaml(1,37): error NFV0111: plugin two/Nfv.SamplePlugin.dll: kind 'sample-echo' is already made by {first}", error.ToString());
    }

    [Fact]
    public void Without_a_plugin_loader_naming_a_plugin_is_an_error()
    {
        var file = Path.Combine(_folder, "lab.yaml");
        var result = TopologyLoader.LoadFromText(Echo("x.dll"), file, FunctionDiscovery.Installed());
        Assert.Equal($"{file}(1,11): error NFV0111: plugin x.dll: this tool does not load plugins", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Plugins_must_be_a_list_of_paths()
    {
        var result = Load(Echo().Replace("plugins: []", "plugins: { a: b }", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == "NFV0201" && d.Span.Line == 1);
    }
}

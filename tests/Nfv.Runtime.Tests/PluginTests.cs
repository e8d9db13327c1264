using System.Runtime.CompilerServices;
using Nfv.Testing;

namespace Nfv.Runtime.Tests;

/// <summary>
/// A function built outside nfv (tests/Nfv.SamplePlugin, never referenced by anything it runs in) loaded from a plugin
/// folder: found by its attribute, run in a topology, and let go again.
/// </summary>
public class PluginTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "plugins", "sample");

    [Fact]
    public void A_plugin_in_a_folder_adds_its_kind_and_runs_in_a_topology()
    {
        var (catalog, plugins) = FunctionDiscovery.WithPlugins([Folder]);
        try
        {
            Assert.Contains("sample-echo", catalog.Kinds);
            Assert.Contains("switch", catalog.Kinds); // the installed ones are still there
            var frame = FrameBuilder.Ethernet(FrameBuilder.Mac(2), FrameBuilder.Mac(1));
            var result = TopologyReplay.Run("""
                functions:
                  echo: { kind: sample-echo }
                ports:
                  p1: { tap: smp-p1 }
                links:
                  - [echo, p1]
                """, new Dictionary<string, IReadOnlyList<PcapRecord>> { ["p1"] = [new(DateTimeOffset.UnixEpoch.AddDays(1), frame)] }, catalog);
            Assert.Equal(frame, Assert.Single(result.Out["p1"]).Frame);
        }
        finally
        {
            plugins.ToList().ForEach(p => p.Unload());
        }
    }

    [Fact]
    public void An_unloaded_plugin_is_collected()
    {
        var handle = LoadAndUnload();
        for (int i = 0; i < 20 && handle.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(handle.IsAlive, "the plugin's load context is still alive after Unload");
    }

    [Fact]
    public void What_cannot_be_loaded_is_refused_naming_the_file()
    {
        var missing = Assert.Throws<FunctionDiscoveryException>(() => Plugin.Load("no/such/plugin.dll"));
        Assert.Equal("plugin no/such/plugin.dll: no such file", missing.Message);
        var notOne = Assert.Throws<FunctionDiscoveryException>(() => Plugin.Load(typeof(PluginTests).Assembly.Location.Replace("Nfv.Runtime.Tests.dll", "xunit.core.dll", StringComparison.Ordinal)));
        Assert.Contains("not a .NET assembly that declares functions", notOne.Message);
        var folder = Assert.Throws<FunctionDiscoveryException>(() => FunctionDiscovery.WithPlugins(["/no/such/folder"]));
        Assert.Equal("plugin folder /no/such/folder: no such folder", folder.Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndUnload()
    {
        var plugin = Plugin.Load(Path.Combine(Folder, "Nfv.SamplePlugin.dll"));
        Assert.Equal(["sample-echo"], plugin.Factories.Select(f => f.Kind));
        var handle = plugin.Handle();
        plugin.Unload();
        return handle;
    }
}

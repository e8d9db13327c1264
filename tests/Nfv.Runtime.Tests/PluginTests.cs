using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Nfv.Abstractions;
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
            plugins.UnloadAll();
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

    [Fact]
    public void A_plugin_built_against_a_newer_contract_is_refused_by_name()
    {
        var have = typeof(INetworkFunction).Assembly.GetName().Version!;
        var folder = Directory.CreateTempSubdirectory("nfv-newer-plugin-").FullName;
        try
        {
            foreach (var wanted in new[] { new Version(have.Major, have.Minor + 1, 0, 0), new Version(have.Major + 1, 0, 0, 0) })
            {
                var path = Path.Combine(folder, $"{wanted}.dll");
                File.WriteAllBytes(path, BuiltAgainst(wanted));
                var refused = Assert.Throws<FunctionDiscoveryException>(() => Plugin.Load(path));
                Assert.Equal(
                    $"plugin {path} was built against Nfv.Abstractions {wanted}, and this nfv has {have}: rebuild it against {have.Major}.x no newer than {have}",
                    refused.Message);
            }
            // The same plugin built against this very contract loads.
            var same = Path.Combine(folder, "same.dll");
            File.WriteAllBytes(same, BuiltAgainst(have));
            Plugin.Load(same).Unload();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The sample plugin as if built against Nfv.Abstractions <paramref name="version"/>: its reference's version rewritten.</summary>
    private static byte[] BuiltAgainst(Version version)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, "Nfv.SamplePlugin.dll"));
        using var image = new PEReader(new MemoryStream(bytes));
        var metadata = image.GetMetadataReader();
        var reference = metadata.AssemblyReferences.Single(r => metadata.StringComparer.Equals(metadata.GetAssemblyReference(r).Name, "Nfv.Abstractions"));
        // An AssemblyRef row begins with its version: major, minor, build, revision, two bytes each.
        int row = image.PEHeaders.MetadataStartOffset + metadata.GetTableMetadataOffset(TableIndex.AssemblyRef) +
            ((MetadataTokens.GetRowNumber(reference) - 1) * metadata.GetTableRowSize(TableIndex.AssemblyRef));
        ushort[] parts = [(ushort)version.Major, (ushort)version.Minor, (ushort)version.Build, (ushort)version.Revision];
        for (int i = 0; i < parts.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(row + (2 * i)), parts[i]);
        }
        return bytes;
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

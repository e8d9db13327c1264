using Microsoft.Extensions.Configuration;
using Nfv.Host.Commands;
using Nfv.Runtime;

namespace Nfv.Host.Tests;

/// <summary>
/// <c>Nfv:PluginDirectories</c> as every verb reads a topology (<c>TopologyFile</c>): a plugin's kind is usable while its
/// folder is named, and a clear error once it is not.
/// </summary>
public sealed class PluginDirectoryTests : IDisposable
{
    private static readonly string Plugins = Path.Combine(AppContext.BaseDirectory, "plugins", "sample");
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("nfv-plugin-topology-").FullName, "echo.yaml");

    public PluginDirectoryTests() => File.WriteAllText(_file, """
        functions:
          echo: { kind: sample-echo }
        ports:
          p1: { tap: pdt-p1 }
        links:
          - [echo, p1]
        """);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Fact]
    public void A_topology_using_a_plugins_kind_loads_with_its_folder_and_is_refused_clearly_without_it()
    {
        var stderr = new StringWriter();
        var topology = TopologyFile.Load(_file, stderr, [Plugins]);
        Assert.True(topology is not null, stderr.ToString());
        Assert.Equal("sample-echo", Assert.Single(topology.Functions).Kind);

        stderr = new StringWriter();
        Assert.Null(TopologyFile.Load(_file, stderr, []));
        var expected = $"{_file}(2,17): error NFV0104: function 'echo' has unknown kind 'sample-echo'; known kinds: dhcp, firewall, impair, nat, policer, router, shaper, steer, switch";
        Assert.True(stderr.ToString().Contains(expected, StringComparison.Ordinal), stderr.ToString());
    }

    [Fact]
    public void A_plugin_folder_that_is_not_there_is_one_line()
    {
        var stderr = new StringWriter();
        Assert.Null(TopologyFile.Load(_file, stderr, ["/no/such/plugins"]));
        Assert.Equal("nfv: plugin folder /no/such/plugins: no such folder", stderr.ToString().Trim());
    }

    [Fact]
    public void The_setting_binds_from_configuration_as_appsettings_and_the_environment_give_it()
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Nfv:PluginDirectories:0"] = "/opt/nfv/plugins", ["Nfv:PluginDirectories:1"] = "plugins" })
            .Build().GetSection(NfvOptions.Section).Get<NfvOptions>()!;
        Assert.Equal(["/opt/nfv/plugins", "plugins"], options.PluginDirectories);
    }

    [Fact]
    public void The_firewall_ships_beside_nfv_as_a_plugin_in_a_context_of_its_own()
    {
        Assert.True(FunctionDiscovery.Installed().TryGet("firewall", out var firewall));
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(firewall.GetType().Assembly)!;
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, context);
        Assert.True(context.IsCollectible);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "functions", "Nfv.Functions.Firewall", "Nfv.Functions.Firewall.dll"), firewall.GetType().Assembly.Location);
    }
}

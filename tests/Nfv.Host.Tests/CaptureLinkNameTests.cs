using Nfv.Management;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Tests;

/// <summary><c>nfv capture LINK</c> names a link by either of its ends.</summary>
public class CaptureLinkNameTests
{
    private static ResolvedTopology Load(string file) =>
        TopologyLoader.Load(Path.Combine(AppContext.BaseDirectory, "topologies", file), FunctionDiscovery.Installed()).Topology!;

    [Theory]
    [InlineData("red1", "red1 <-> east.red")]
    [InlineData("east.red", "red1 <-> east.red")]
    [InlineData("west.up", "east.up <-> west.up")]
    [InlineData("east.up", "east.up <-> west.up")]
    public void Either_end_names_the_link(string name, string link) =>
        Assert.Equal(link, ManagementApi.FindLink(Load("vlan-trunk.yaml"), name)?.ToString());

    [Theory]
    [InlineData("east")]
    [InlineData("red")]
    [InlineData("nope")]
    public void A_name_that_is_no_end_finds_nothing(string name) =>
        Assert.Null(ManagementApi.FindLink(Load("vlan-trunk.yaml"), name));
}

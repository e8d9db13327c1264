using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Runtime.Tests;

/// <summary>
/// Each function's README lists its drop reasons and events; the lists are derived from the code (the enums), so this
/// keeps the two in step: a reason or event added, renamed or removed in the code fails here until the README says so.
/// </summary>
public class FunctionReadmeTests
{
    // Each kind in a shipped lab that runs it: the default lab runs one of each built-in kind.
    public static TheoryData<string, string> Kinds => new()
    {
        { "switch", "home-router.yaml" }, { "router", "home-router.yaml" }, { "nat", "home-router.yaml" }, { "dhcp", "home-router.yaml" },
        { "firewall", "firewall.yaml" }, { "policer", "policer.yaml" }, { "steer", "service-chain.yaml" }, { "shaper", "shaper.yaml" },
        { "impair", "impair.yaml" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_readme_lists_exactly_the_drop_reasons_and_events_the_function_declares(string kind, string lab)
    {
        // The function compiled as nfv run compiles it.
        var result = TopologyLoader.Load(Path.Combine(Repository.Root, "topologies", lab), FunctionDiscovery.Installed());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var topology = result.Topology!;
        using var graph = TopologyCompiler.Compile(topology, [.. topology.Ports.Select(p => new MemoryPort(p.Name))], new PacketPool(64),
            options: null, TimeProvider.System, NullLoggerFactory.Instance);
        int index = topology.Functions.Select((f, i) => (f, i)).Single(x => x.f.Kind == kind).i;
        var blueprint = topology.Functions[index].Blueprint;
        var function = (IInspectableFunction)graph.Functions[index].Function;

        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "functions", blueprint.GetType().Assembly.GetName().Name!, "README.md"));
        Assert.Equal(blueprint.DropReasons.Select(InspectionNames.SnakeCase), Names(readme, "## Drop reasons"));
        Assert.Equal(function.Events.Select(e => e.Name), Names(readme, "## Events"));
    }

    // The first column of the table in a section: "| `name` | ... |" rows, in order.
    private static List<string> Names(string[] readme, string heading)
    {
        int start = Array.IndexOf(readme, heading);
        Assert.True(start >= 0, $"the README has no '{heading}' section");
        return [.. readme.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l[3..l.IndexOf('`', 3)])];
    }
}

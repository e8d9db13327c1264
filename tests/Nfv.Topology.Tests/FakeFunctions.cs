using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Topology.Tests;

/// <summary>
/// Stand-ins for real functions: a "switch" whose bare links make a new port named after the peer
/// and whose named ports come from its <c>ports:</c> mapping, and a one-port "dhcp".
/// </summary>
internal static class FakeFunctions
{
    public static FunctionCatalog Catalog() => new([new FakeSwitchFactory(), new FakeOnePortFactory()]);

    /// <summary>
    /// The catalog plus a "router" whose interfaces name features, a "nat" feature and a "firewall" linked between two
    /// ports or, named by an interface, a feature.
    /// </summary>
    public static FunctionCatalog CatalogWithFeatures() =>
        new([new FakeSwitchFactory(), new FakeOnePortFactory(), new FakeRouterFactory(), new FakeNatFactory(), new FakeFirewallFactory()]);
}

/// <summary>
/// A "router" whose interfaces (<c>interfaces: { wan: { address: A/N, features: [NAME] } }</c>) are its ports and may name
/// <see cref="IFakeFeature"/>s, each told the interface's address as its placement.
/// </summary>
internal sealed class FakeRouterFactory : INetworkFunctionFactory
{
    public string Kind => "router";

    public string Summary => "a test router";

    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        var reader = new ConfigReader(context.Diagnostics);
        var ports = new List<string>();
        var references = new List<FeatureReference>();
        if (context.Config["interfaces"] is { } node && reader.AsMapping(node, "interfaces") is { } map)
        {
            foreach (var (key, value) in map.Entries)
            {
                ports.Add(key.Value);
                if (reader.AsMapping(value, key.Value) is { } iface && iface["features"] is ConfigSequence features)
                {
                    var address = iface["address"] is ConfigScalar a ? a.Value : null;
                    foreach (var feature in features.Items.OfType<ConfigScalar>())
                    {
                        references.Add(new FeatureReference(feature.Value, typeof(IFakeFeature), $"interface '{key.Value}' of router '{context.Name}'", feature.Span)
                        {
                            Placement = address,
                        });
                    }
                }
            }
        }
        return new FakeBlueprint(context.Name, ports, bareMakesPort: false) { References = references };
    }
}

/// <summary>A "nat" feature; with <c>external: A</c> it refuses a place whose addresses do not include A.</summary>
internal sealed class FakeNatFactory : INetworkFunctionFactory
{
    public string Kind => "nat";

    public string Summary => "a test feature";

    public string DiagnosticPrefix => "NFV14";

    public FunctionBlueprint? Define(FunctionDefinitionContext context) =>
        new FakeFeatureBlueprint(context.Name, context.Config["external"] as ConfigScalar);
}

/// <summary>The contract of the fake features; the fake router asks for it.</summary>
[System.ComponentModel.Description("test feature")]
internal interface IFakeFeature;

internal sealed class FakeFeatureBlueprint(string name, ConfigScalar? external) : FeatureBlueprint
{
    public override string Name => name;

    public override Type Contract => typeof(IFakeFeature);

    public override void CheckPlacement(FeatureReference reference, DiagnosticBag diagnostics)
    {
        if (external is not null && reference.Placement is string address && !address.StartsWith(external.Value + "/", StringComparison.Ordinal))
        {
            diagnostics.Error("NFV1405", external.Span, $"external address {external.Value} of nat '{name}' is not an address of {reference.Place}");
        }
    }

    public override INetworkFunction Build(FunctionBuildContext context) => throw new NotSupportedException("test blueprint");
}

/// <summary>A "firewall": inline between <c>inside</c> and <c>outside</c>, or a feature when an interface names it.</summary>
internal sealed class FakeFirewallFactory : INetworkFunctionFactory
{
    public string Kind => "firewall";

    public string Summary => "a test function linked or named";

    public FunctionBlueprint? Define(FunctionDefinitionContext context) =>
        new FakeBlueprint(context.Name, ["inside", "outside"], bareMakesPort: false) { FeatureForm = new FakeFeatureBlueprint(context.Name, null) };
}

internal sealed class FakeSwitchFactory : INetworkFunctionFactory
{
    public string Kind => "switch";

    public string Summary => "a test switch";

    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        var reader = new ConfigReader(context.Diagnostics);
        reader.CheckKeys(context.Config, $"switch '{context.Name}'", "kind", "ports");
        var ports = new List<string>();
        if (context.Config["ports"] is { } node && reader.AsMapping(node, $"the ports of switch '{context.Name}'") is { } map)
        {
            foreach (var (key, value) in map.Entries)
            {
                ports.Add(key.Value);
                if (reader.AsMapping(value, $"port '{key.Value}'") is not { } port)
                {
                    continue;
                }
                reader.CheckKeys(port, $"port '{key.Value}'", "vlan", "trunk");
                if (port["vlan"] is { } vlan)
                {
                    reader.Vlan(vlan, "vlan");
                }
                if (port["trunk"] is { } trunk && reader.AsSequence(trunk, "trunk") is { } list)
                {
                    foreach (var item in list.Items)
                    {
                        reader.Vlan(item, "a trunk VLAN");
                    }
                }
            }
        }
        return new FakeBlueprint(context.Name, ports, bareMakesPort: true);
    }
}

internal sealed class FakeOnePortFactory : INetworkFunctionFactory
{
    public string Kind => "dhcp";

    public string Summary => "a test function with one port";

    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        var reader = new ConfigReader(context.Diagnostics);
        reader.CheckKeys(context.Config, $"dhcp '{context.Name}'", "kind", "address");
        if (context.Config["address"] is { } address && reader.InterfaceAddress(address, "address") is null)
        {
            return null;
        }
        return new FakeBlueprint(context.Name, ["eth"], bareMakesPort: false);
    }
}

internal sealed class FakeBlueprint(string name, List<string> ports, bool bareMakesPort) : FunctionBlueprint
{
    public override IReadOnlyList<string> Ports => ports;

    public override IReadOnlyList<string> DropReasons => ["none"];

    public IReadOnlyList<FeatureReference> References { get; init; } = [];

    public override IReadOnlyList<FeatureReference> FeatureReferences => References;

    public FeatureBlueprint? FeatureForm { get; init; }

    public override FeatureBlueprint? AsFeature() => FeatureForm;

    public List<(string? Port, string PeerHint)> Attached { get; } = [];

    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        Attached.Add((port, peerHint));
        if (port is null)
        {
            if (!bareMakesPort)
            {
                return 0;
            }
            string newPort = peerHint;
            for (int i = 2; ports.Contains(newPort); i++)
            {
                newPort = $"{peerHint}-{i}";
            }
            ports.Add(newPort);
            return ports.Count - 1;
        }
        int index = ports.IndexOf(port);
        if (index < 0)
        {
            diagnostics.Error(DiagnosticCodes.UnknownPort, span, $"'{name}' has no port '{port}'; its ports are: {string.Join(", ", ports)}");
        }
        return index;
    }

    public override INetworkFunction Build(FunctionBuildContext context) => throw new NotSupportedException("test blueprint");
}

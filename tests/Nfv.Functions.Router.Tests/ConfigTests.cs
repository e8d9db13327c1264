using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

public class ConfigTests
{
    private static (RouterBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var config = FunctionConfig.ParseFunction(yaml, "lab.yaml");
        var blueprint = new RouterFunctionFactory().Define(new FunctionDefinitionContext("gw", config, diagnostics));
        return ((RouterBlueprint?)blueprint, diagnostics);
    }

    [Fact]
    public void Interfaces_addresses_mtu_mac_and_routes_are_read()
    {
        var (blueprint, diagnostics) = Define("""
            gw:
              kind: router
              interfaces:
                lan: { address: 10.0.0.1/24 }
                wan: { address: [192.0.2.1/24, 198.51.100.1/24], mtu: 1400, mac: 02:aa:00:00:00:01 }
              routes:
                - { prefix: 0.0.0.0/0, via: 192.0.2.254 }
                - { prefix: 172.16.0.0/12, dev: lan }
            """);
        Assert.Empty(diagnostics.Items);
        Assert.NotNull(blueprint);
        Assert.Equal(["lan", "wan"], blueprint.Ports);
        var wan = blueprint.Options.Interfaces[1];
        Assert.Equal(2, wan.Addresses.Count);
        Assert.Equal(1400, wan.Mtu);
        Assert.Equal(MacAddress.Parse("02:aa:00:00:00:01"), wan.Mac);
        Assert.Equal(1500, blueprint.Options.Interfaces[0].Mtu);
        Assert.Equal(2, blueprint.Options.Routes.Count);
        Assert.Equal(RouterInterface.DefaultMac("gw", "lan"), blueprint.Options.Interfaces[0].Mac);
    }

    [Fact]
    public void Default_macs_are_stable_locally_administered_unicast_and_distinct()
    {
        var a = RouterInterface.DefaultMac("gw", "lan");
        Assert.Equal(a, RouterInterface.DefaultMac("gw", "lan"));
        Assert.NotEqual(a, RouterInterface.DefaultMac("gw", "wan"));
        Assert.NotEqual(a, RouterInterface.DefaultMac("gw2", "lan"));
        Assert.Equal(0x02, (int)(a.Value >> 40));
        Assert.False(a.IsMulticast);
    }

    [Fact]
    public void A_bare_link_to_a_router_is_refused_and_interfaces_attach_by_name()
    {
        var (blueprint, _) = Define("""
            gw:
              kind: router
              interfaces:
                lan: { address: 10.0.0.1/24 }
                wan: { address: 192.0.2.1/24 }
            """);
        var diagnostics = new DiagnosticBag();
        Assert.Equal(1, blueprint!.Attach("wan", "x", new SourceSpan("lab.yaml", 9, 5), diagnostics));
        Assert.Equal(-1, blueprint.Attach(null, "x", new SourceSpan("lab.yaml", 10, 5), diagnostics));
        Assert.Equal(-1, blueprint.Attach("dmz", "x", new SourceSpan("lab.yaml", 11, 5), diagnostics));
        Assert.Equal(RouterDiagnosticCodes.BareRouterLink, diagnostics.Items[0].Code);
        Assert.Contains("'gw.lan', 'gw.wan'", diagnostics.Items[0].Message);
        Assert.Equal(DiagnosticCodes.UnknownPort, diagnostics.Items[1].Code);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_place()
    {
        var (_, diagnostics) = Define("""
            gw:
              kind: router
              colour: red
              interfaces:
                lan: { address: 10.0.0.1 }
                wan: { address: 192.0.2.255/24, mtu: 20 }
                dmz: { address: 10.0.0.1/24, mac: 01:00:5e:00:00:01 }
                "bad name": { address: 10.9.0.1/24 }
              routes:
                - { prefix: 10.1.0.0/16 }
                - { prefix: 10.2.0.0/16, via: 9.9.9.9 }
                - { prefix: 10.3.0.0/16, dev: nowhere }
            """);
        var codes = diagnostics.Items.Select(d => d.Code).ToArray();
        Assert.Contains(DiagnosticCodes.UnknownKey, codes);
        Assert.Contains(DiagnosticCodes.BadAddress, codes);
        Assert.Contains(RouterDiagnosticCodes.BadInterfaceAddress, codes);
        Assert.Contains(DiagnosticCodes.BadNumber, codes);
        Assert.Contains(RouterDiagnosticCodes.BadInterfaceMac, codes);
        Assert.Contains(RouterDiagnosticCodes.BadInterfaceName, codes);
        Assert.Contains(RouterDiagnosticCodes.ViaOrDev, codes);
        Assert.Equal(2, codes.Count(c => c == RouterDiagnosticCodes.UnresolvableRoute));
        Assert.All(diagnostics.Items, d => Assert.Equal("lab.yaml", d.Span.File));
        var unknown = diagnostics.Items.First(d => d.Code == DiagnosticCodes.UnknownKey);
        Assert.Equal(3, unknown.Span.Line);
    }

    [Fact]
    public void A_router_needs_interfaces()
    {
        var (blueprint, diagnostics) = Define("""
            gw:
              kind: router
            """);
        Assert.Null(blueprint);
        Assert.Equal(DiagnosticCodes.MissingKey, Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void Routes_and_arp_tables_and_events_are_inspectable()
    {
        var h = new RouterHarness(RouterHarness.Default(routes: [new StaticRoute { Prefix = Ipv4Prefix.Parse("0.0.0.0/0"), Via = Ipv4Address.Parse("192.0.2.254") }]));
        h.Teach(RouterHarness.Lan, RouterHarness.H1Mac, RouterHarness.H1);
        var inspect = (Nfv.Abstractions.Inspection.IInspectableFunction)h.Router;
        var routes = inspect.Tables.Single(t => t.Name == "routes");
        var rows = routes.Rows().ToList();
        Assert.Contains(rows, r => r[0] == "0.0.0.0/0" && r[1] == "static" && r[2] == "wan" && r[3] == "192.0.2.254");
        Assert.Contains(rows, r => r[0] == "10.0.0.0/24" && r[1] == "connected" && r[2] == "lan" && r[3] == "");
        Assert.Contains(rows, r => r[0] == "10.0.0.1/32" && r[1] == "local");
        var arp = inspect.Tables.Single(t => t.Name == "arp");
        Assert.Equal(1, arp.Count);
        var entry = Assert.Single(arp.Rows());
        Assert.Equal(["lan", RouterHarness.H1, RouterHarness.H1Mac.ToString(), "reachable", "0"], entry);
        Assert.Equal(1, inspect.Events.Single(e => e.Name == "arp_replies").Read());
    }

    [Fact]
    public void An_interface_names_its_features_and_the_blueprint_reports_each_as_an_ipv4_feature_of_that_interface()
    {
        var (blueprint, diagnostics) = Define("""
            gw:
              kind: router
              interfaces:
                lan: { address: 10.0.0.1/24 }
                wan: { address: 192.0.2.1/24, features: [masq, fw] }
            """);
        Assert.Empty(diagnostics.Items);
        Assert.Equal(["masq", "fw"], blueprint!.Options.Interfaces[1].Features.Select(f => f.Name));
        Assert.Equal(2, blueprint.FeatureReferences.Count);
        var reference = blueprint.FeatureReferences[0];
        Assert.Equal(("masq", typeof(IIpv4Feature), "interface 'wan' of router 'gw'"), (reference.Name, reference.Contract, reference.Place));
        var place = Assert.IsType<Ipv4FeatureAttachment>(reference.Placement);
        Assert.Equal((1, "wan"), (place.Interface, place.InterfaceName));
        Assert.Equal([Ipv4Prefix.Parse("192.0.2.1/24")], place.Addresses);
        Assert.Equal([Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("192.0.2.1")], place.LocalAddresses);
        Assert.Equal((5, 46), (reference.Span.Line, reference.Span.Column));
        Assert.Equal("fw", blueprint.FeatureReferences[1].Name);
    }

    [Fact]
    public void An_empty_or_repeated_feature_name_is_refused()
    {
        var (_, diagnostics) = Define("""
            gw:
              kind: router
              interfaces:
                wan: { address: 192.0.2.1/24, features: ["", masq, masq] }
            """);
        Assert.Equal([DiagnosticCodes.BadFeature, DiagnosticCodes.BadFeature], diagnostics.Items.Select(d => d.Code));
        Assert.Contains("empty name", diagnostics.Items[0].Message);
        Assert.Contains("names 'masq' twice", diagnostics.Items[1].Message);
    }
}

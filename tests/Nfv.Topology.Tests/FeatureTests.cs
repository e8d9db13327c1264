using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Tests;

/// <summary>Features (a NAT) named by a router interface: resolved by name, refused with line and column when wrong.</summary>
public class FeatureTests
{
    private static TopologyLoadResult Load(string yaml) => TopologyLoader.LoadFromText(yaml, "lab.yaml", FakeFunctions.CatalogWithFeatures());

    private static string Lab(string natLine, string extraFunctions = "", string extraLinks = "") => $"""
        functions:
          gw:
            kind: router
            interfaces:
              lan: {"{"} address: 10.0.0.1/24 {"}"}
              wan: {"{"} address: 203.0.113.2/24{natLine} {"}"}
          masq: {"{"} kind: nat {"}"}
        {extraFunctions}
        ports:
          up: {"{"} tap: nfv-up {"}"}
          down: {"{"} tap: nfv-down {"}"}
        links:
          - [gw.wan, up]
          - [gw.lan, down]
        {extraLinks}
        """;

    [Fact]
    public void A_nat_named_by_a_router_interface_resolves_and_is_not_reported_unlinked()
    {
        var result = Load(Lab(", features: [masq]"));
        Fixture.AssertDiagnostics(result);
        Assert.Equal(["gw", "masq"], result.Topology!.Functions.Select(f => f.Name));
        Assert.IsAssignableFrom<FeatureBlueprint>(result.Topology.Functions[1].Blueprint);
        Assert.Empty(result.Topology.Functions[1].Blueprint.Ports);
    }

    [Fact]
    public void A_function_that_may_be_linked_serves_as_its_feature_form_where_an_interface_names_it()
    {
        var result = Load(Lab(", features: [masq, wall]", "  wall: { kind: firewall }\n"));
        Fixture.AssertDiagnostics(result);
        var wall = result.Topology!.Functions.Single(f => f.Name == "wall");
        Assert.IsType<FakeFeatureBlueprint>(wall.Blueprint);
        Assert.Equal("firewall", wall.Kind);
    }

    [Fact]
    public void A_function_linked_and_named_as_a_feature_is_an_error_at_the_link()
    {
        var result = Load(Lab(", features: [masq, wall]", "  wall: { kind: firewall }\n", "  - [wall.inside, down]\n"));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.BadFeature, error.Code);
        Assert.Contains("'wall' is a test feature, not linked by wires", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_that_may_be_a_feature_stays_linked_where_no_interface_names_it()
    {
        var result = Load(Lab(", features: [masq]", "  wall: { kind: firewall }\n", "  - [wall.inside, down2]\n  - [wall.outside, down3]\n")
            .Replace("  down: { tap: nfv-down }", "  down: { tap: nfv-down }\n  down2: { tap: nfv-down2 }\n  down3: { tap: nfv-down3 }", StringComparison.Ordinal));
        Fixture.AssertDiagnostics(result);
        Assert.IsType<FakeBlueprint>(result.Topology!.Functions.Single(f => f.Name == "wall").Blueprint);
    }

    [Fact]
    public void A_nat_nobody_names_is_a_warning_that_says_how_to_use_it()
    {
        var result = Load(Lab(""));
        Fixture.AssertDiagnostics(result,
            "lab.yaml(7,3): warning NFV0107: nat 'masq' is not used: name it in the features of the place it serves, such as a router interface's 'features: [masq]' (test feature)");
    }

    [Fact]
    public void Naming_a_nat_that_does_not_exist_is_an_error_at_the_name()
    {
        var result = Load(Lab(", features: [masc]"));
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.BadFeature);
        Assert.Equal((6, 50), (error.Span.Line, error.Span.Column));
        Assert.Contains("feature 'masc' of interface 'wan' of router 'gw' names no function", error.Message);
        Assert.Contains("masq", error.Message); // did you mean
    }

    [Fact]
    public void Naming_a_function_of_another_kind_or_an_external_port_is_an_error()
    {
        var bySwitch = Load(Lab(", features: [sw]", "  sw: { kind: switch }\n", "  - [sw, down2]\n"));
        Assert.Contains(bySwitch.Diagnostics, d => d.Code == DiagnosticCodes.BadFeature && d.Message.Contains("a function of kind switch", StringComparison.Ordinal));

        var byPort = Load(Lab(", features: [up]"));
        Assert.Contains(byPort.Diagnostics, d => d.Code == DiagnosticCodes.BadFeature && d.Message.Contains("external port 'up'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_nat_serves_one_interface_a_second_one_naming_it_is_refused_citing_the_first()
    {
        var result = Load("""
            functions:
              gw:
                kind: router
                interfaces:
                  wan: { address: 203.0.113.2/24, features: [masq] }
                  wan2: { address: 198.51.100.2/24, features: [masq] }
              masq: { kind: nat }
            ports:
              up: { tap: nfv-up }
              up2: { tap: nfv-up2 }
            links:
              - [gw.wan, up]
              - [gw.wan2, up2]
            """);
        Assert.Equal(
            "lab.yaml(6,52): error NFV0109: feature 'masq' of interface 'wan2' of router 'gw': 'masq' already serves interface 'wan' of router 'gw' (at lab.yaml(5,50)); a feature serves one place, so declare another for this one",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void A_link_to_a_nat_is_refused()
    {
        var result = Load(Lab(", features: [masq]", "", "  - [masq, down2]\n").Replace("  down: { tap: nfv-down }", "  down: { tap: nfv-down }\n  down2: { tap: nfv-down2 }", StringComparison.Ordinal));
        var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.BadFeature, error.Code);
        Assert.Contains("not linked by wires", error.Message);
    }

    [Fact]
    public void The_feature_checks_its_place()
    {
        var result = Load(Lab(", features: [masq]").Replace("masq: { kind: nat }", "masq: { kind: nat, external: 198.51.100.9 }", StringComparison.Ordinal));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("NFV1405", 7, 32), (error.Code, error.Span.Line, error.Span.Column));
    }
}

using Nfv.Abstractions;

namespace Nfv.Topology.Tests;

public class FunctionCatalogTests
{
    [Fact]
    public void Kinds_are_found_without_regard_to_case_and_listed_sorted()
    {
        var catalog = FakeFunctions.Catalog();

        Assert.True(catalog.TryGet("SWITCH", out var factory));
        Assert.Equal("switch", factory.Kind);
        Assert.False(catalog.TryGet("router", out _));
        Assert.Equal(["dhcp", "switch"], catalog.Kinds);
    }

    [Fact]
    public void Two_factories_of_one_kind_are_a_programming_error()
    {
        var error = Assert.Throws<ArgumentException>(() => new FunctionCatalog([new FakeSwitchFactory(), new FakeSwitchFactory()]));

        Assert.Contains("'switch'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_catalog_says_so_for_any_kind()
    {
        var result = TopologyLoader.LoadFromText("functions:\n  sw: { kind: switch }\n", "lab.yaml", new FunctionCatalog([]));

        Fixture.AssertDiagnostics(result, "lab.yaml(2,15): error NFV0104: function 'sw' has unknown kind 'switch'; no function kinds are installed");
    }

    [Fact]
    public void Diagnostic_prefixes_that_overlap_or_take_the_shared_codes_are_refused()
    {
        var overlap = Assert.Throws<ArgumentException>(() => new FunctionCatalog([new PrefixedFactory("fw", "NFV1"), new PrefixedFactory("nat", "NFV14")]));
        Assert.Equal("Kinds 'fw' and 'nat' have overlapping diagnostic prefixes ('NFV1', 'NFV14'): give each its own.", overlap.Message);

        var shared = Assert.Throws<ArgumentException>(() => new FunctionCatalog([new PrefixedFactory("fw", "NFV01")]));
        Assert.Contains("not beginning with NFV0", shared.Message, StringComparison.Ordinal);

        Assert.Equal("SWITCH", ((INetworkFunctionFactory)new FakeSwitchFactory()).DiagnosticPrefix); // by default: the kind in capitals
    }

    [Fact]
    public void A_function_reporting_a_code_outside_its_prefix_is_told_so_beside_its_diagnostic()
    {
        var catalog = new FunctionCatalog([new PrefixedFactory("fw", "FW", reports: "NFV1201")]);
        var result = TopologyLoader.LoadFromText("functions:\n  f: { kind: fw }\n", "lab.yaml", catalog);
        Assert.Contains(result.Diagnostics, d => d.ToString() ==
            "lab.yaml(2,6): error NFV0110: kind 'fw' reported code NFV1201, outside its own prefix FW and the shared NFV0xxx codes (a bug in that function)");
    }

    private sealed class PrefixedFactory(string kind, string prefix, string? reports = null) : INetworkFunctionFactory
    {
        public string Kind => kind;

        public string Summary => "a test kind";

        public string DiagnosticPrefix => prefix;

        public FunctionBlueprint? Define(FunctionDefinitionContext context)
        {
            if (reports is not null)
            {
                context.Diagnostics.Error(reports, context.Config.Span, "something is wrong");
            }
            return null;
        }
    }
}

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
}

using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Tests;

public class TopologyLoaderTests
{
    [Fact]
    public void Load_reads_the_file_and_names_it_as_given()
    {
        var path = Fixture.PathOf("invalid-dhcp-host.yaml");

        var result = TopologyLoader.Load(path, FakeFunctions.Catalog());

        Assert.Equal(FixtureTests.DhcpHostErrors(path), result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Load_of_a_missing_file_reports_NFV0002_and_does_not_throw()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nfv-missing-{Guid.NewGuid():N}.yaml");

        var result = TopologyLoader.Load(path, FakeFunctions.Catalog());

        Assert.False(result.Succeeded);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.FileUnreadable, diagnostic.Code);
        Assert.StartsWith($"{path}(1,1): error NFV0002: cannot read the topology file: ", diagnostic.ToString());
    }

    [Fact]
    public void Load_of_a_directory_reports_NFV0002()
    {
        var result = TopologyLoader.Load(AppContext.BaseDirectory, FakeFunctions.Catalog());

        Assert.Equal(DiagnosticCodes.FileUnreadable, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Name_defaults_to_the_file_name_without_extension()
    {
        var result = Fixture.Text("functions:\n  sw: { kind: switch }\nports:\n  p: { tap: nfv-p }\nlinks:\n  - [p, sw]\n", "labs/my-lab.yaml");

        Fixture.AssertDiagnostics(result);
        Assert.Equal("my-lab", result.Topology!.Name);
        Assert.Null(result.Topology.Description);
    }

    [Fact]
    public void A_file_of_only_ports_is_valid_with_warnings()
    {
        var result = Fixture.Text("ports:\n  p: { tap: nfv-p }\n");

        Fixture.AssertDiagnostics(result, "lab.yaml(2,3): warning NFV0107: port 'p' is not linked to anything");
        Assert.True(result.Succeeded);
        Assert.Empty(result.Topology!.Functions);
    }

    [Fact]
    public void Empty_sections_are_empty()
    {
        var result = Fixture.Text("name: nothing\nfunctions:\nports: ~\nlinks: []\nhosts: {}\n");

        Fixture.AssertDiagnostics(result);
        Assert.Equal("nothing", result.Topology!.Name);
    }

    [Fact]
    public void Duplicate_yaml_keys_cite_both_places_and_the_first_is_kept()
    {
        var result = Fixture.Text("""
            ports:
              p1: { tap: nfv-a, tap: nfv-b }
            links:
              - [p1, sw]
            functions:
              sw: { kind: switch }
            functions:
              sw2: { kind: switch }
            """);

        Fixture.AssertDiagnostics(result,
            "lab.yaml(2,21): error NFV0103: 'tap' is already declared at lab.yaml(2,9)",
            "lab.yaml(7,1): error NFV0103: 'functions' is already declared at lab.yaml(5,1)");
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var result = Fixture.Text("""
            functions:
              a: &sw { kind: switch }
              b: *sw
            ports:
              p1: { tap: nfv-p1 }
              p2: { tap: nfv-p2 }
            links:
              - [p1, a]
              - [p2, b]
            """);

        Fixture.AssertDiagnostics(result);
        Assert.Equal(["switch", "switch"], result.Topology!.Functions.Select(f => f.Kind));
    }

    [Theory]
    [InlineData("a: *nope\n", "lab.yaml(1,4): error NFV0001: the alias '*nope' names no anchor ('&nope') before it")]
    [InlineData("functions: {}\n---\nports: {}\n", "lab.yaml(2,1): error NFV0001: the file holds a second YAML document; a topology is one document")]
    [InlineData("functions:\n  sw: { kind: switch }\n   bad: 1\n", "lab.yaml(3,4): error NFV0001: invalid YAML: while parsing a block mapping, did not find expected key")]
    [InlineData("links:\n  - [a, b\n  - [c, d]\n", "lab.yaml(3,3): error NFV0001: invalid YAML: the file is malformed here; is a '[', '{' or quote above left open?")]
    [InlineData("functions:\n  [a]: { kind: switch }\n", "lab.yaml(2,3): error NFV0201: a key must be a single value, not a list")]
    public void Yaml_problems_are_reported_with_their_place(string yaml, string expected)
    {
        var result = Fixture.Text(yaml);

        Assert.Contains(expected, result.Diagnostics.Select(d => d.ToString()));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_overflowing_the_stack()
    {
        var yaml = "functions: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var result = Fixture.Text(yaml);

        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.YamlSyntax && d.Message.Contains("nests deeper", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Lan_1-b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32
    public void Good_names_are_accepted(string name)
    {
        var result = Fixture.Text($"ports:\n  {name}: {{ tap: t }}\nhosts:\n  {name}: {{ port: {name}, address: 10.0.0.1/24 }}\n");

        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("1a", "must start with a letter")]
    [InlineData("_a", "must start with a letter")]
    [InlineData("a.b", "may hold only letters, digits, '_' and '-', not '.'")]
    [InlineData("a/b", "may hold only letters, digits, '_' and '-', not '/'")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "is 33 characters long; the limit is 32")]
    [InlineData("\"\"", "is empty")]
    public void Bad_names_are_refused(string name, string problem)
    {
        var result = Fixture.Text($"functions:\n  {name}: {{ kind: switch }}\n");

        var shown = name == "\"\"" ? "" : name;
        Assert.Contains($"lab.yaml(2,3): error NFV0206: function name '{shown}' {problem}", result.Diagnostics.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("nfv-123456789ab", null)] // 15
    [InlineData("nfv-123456789abc", "is 16 characters long; Linux allows at most 15")]
    [InlineData("a/b", "cannot hold '/'")]
    [InlineData("a:b", "cannot hold ':'")]
    [InlineData("'.'", "cannot be '.' or '..'")]
    [InlineData("'..'", "cannot be '.' or '..'")]
    [InlineData("''", "is empty")]
    public void Tap_names_follow_linux_rules(string tap, string? problem)
    {
        var result = Fixture.Text($"ports:\n  p: {{ tap: {tap} }}\n");

        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Message);
        if (problem is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal([$"TAP name '{tap.Trim('\'')}' {problem}"], errors);
        }
    }

    [Fact]
    public void Wrong_section_shapes_are_reported()
    {
        var result = Fixture.Text("functions: [a]\nports: x\nlinks: { a: b }\nhosts: [h]\nname: [n]\n");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(1,12): error NFV0201: 'functions' must be a mapping, not a list",
            "lab.yaml(2,8): error NFV0201: 'ports' must be a mapping, not the value 'x'",
            "lab.yaml(3,8): error NFV0201: 'links' must be a list, not a mapping",
            "lab.yaml(4,8): error NFV0201: 'hosts' must be a mapping, not a list",
            "lab.yaml(5,7): error NFV0201: the topology's 'name' must be a single value, not a list");
    }

    [Fact]
    public void A_function_and_a_port_with_no_link_are_warned_about()
    {
        var result = Fixture.Text("functions:\n  sw: { kind: switch }\nports:\n  p: { tap: nfv-p }\n");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(2,3): warning NFV0107: function 'sw' is not linked to anything",
            "lab.yaml(4,3): warning NFV0107: port 'p' is not linked to anything");
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Errors_in_one_section_do_not_cascade_into_others()
    {
        // `sw` has an unknown kind and `p` a bad tap: the link and the host that use them say nothing more.
        var result = Fixture.Text("""
            functions:
              sw: { kind: hub }
            ports:
              p: { tap: this-name-is-far-too-long }
            links:
              - [p, sw.port1]
            hosts:
              h: { port: p, address: 10.0.0.1/24 }
            """);

        Fixture.AssertPlaces(result,
            "lab.yaml(2,15): error NFV0104",
            "lab.yaml(4,13): error NFV0206");
    }

    [Fact]
    public void A_factory_that_refuses_without_a_diagnostic_still_fails_the_load()
    {
        var catalog = new FunctionCatalog([new SilentFactory()]);

        var result = TopologyLoader.LoadFromText("functions:\n  x: { kind: silent }\n", "lab.yaml", catalog);

        Fixture.AssertDiagnostics(result, "lab.yaml(2,14): error NFV0104: kind 'silent' refused function 'x' without saying why");
    }

    [Fact]
    public void A_blueprint_that_refuses_a_link_without_a_diagnostic_still_fails_the_load()
    {
        var catalog = new FunctionCatalog([new SilentFactory(defineOk: true)]);

        var result = TopologyLoader.LoadFromText("functions:\n  x: { kind: silent }\nports:\n  p: { tap: p }\nlinks:\n  - [p, x]\n  - [p, x.a]\n", "lab.yaml", catalog);

        Fixture.AssertDiagnostics(result,
            "lab.yaml(6,9): error NFV0105: function 'x' cannot take a link without a port name; write 'x.PORT'",
            "lab.yaml(7,9): error NFV0105: function 'x' has no port 'a'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\t")]
    [InlineData("---\n...\n")]
    [InlineData("# only a comment\n")]
    [InlineData("\"unterminated")]
    [InlineData("{ [ ] : ] }")]
    [InlineData("functions: { a: { kind: switch, ports: { p: [ }")]
    [InlineData("%YAML 1.1\n%YAML 1.1\n---\na: 1\n")]
    [InlineData("!!binary a: b")]
    [InlineData("? [a, b]\n: c\n")]
    [InlineData("links:\n  - [a.b.c, .x]\n  - [., ..]\n")]
    [InlineData("hosts:\n  h: { port: [a], address: [b], gateway: {c: d} }\n")]
    public void Garbage_never_throws(string yaml)
    {
        var result = Fixture.Text(yaml);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Span.Line >= 1);
    }

    private sealed class SilentFactory(bool defineOk = false) : INetworkFunctionFactory
    {
        public string Kind => "silent";

        public string Summary => "refuses everything and says nothing";

        public FunctionBlueprint? Define(FunctionDefinitionContext context) => defineOk ? new SilentBlueprint() : null;
    }

    private sealed class SilentBlueprint : FunctionBlueprint
    {
        public override IReadOnlyList<string> Ports => [];

        public override IReadOnlyList<string> DropReasons => [];

        public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics) => -1;

        public override INetworkFunction Build(FunctionBuildContext context) => throw new NotSupportedException();
    }
}

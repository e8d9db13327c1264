using Nfv.Abstractions.Configuration;

namespace Nfv.Topology.Tests;

/// <summary>Loads the files under Fixtures/ (copied next to the tests) and checks what they report.</summary>
internal static class Fixture
{
    /// <summary>Loads <c>Fixtures/NAME</c> through <see cref="TopologyLoader.LoadFromText"/>, named as written here.</summary>
    public static TopologyLoadResult Load(string name) =>
        TopologyLoader.LoadFromText(File.ReadAllText(PathOf(name)), $"Fixtures/{name}", FakeFunctions.Catalog());

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static TopologyLoadResult Text(string yaml, string fileName = "lab.yaml") =>
        TopologyLoader.LoadFromText(yaml, fileName, FakeFunctions.Catalog());

    /// <summary>Asserts the exact diagnostics, as <c>nfv validate</c> prints them, in order.</summary>
    public static void AssertDiagnostics(TopologyLoadResult result, params string[] expected)
    {
        Assert.Equal(expected, result.Diagnostics.Select(d => d.ToString()));
        bool anyError = result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(!anyError, result.Succeeded);
        Assert.Equal(anyError, result.Topology is null);
    }

    /// <summary>Asserts only the <c>file(line,col): error CODE</c> part of each diagnostic.</summary>
    public static void AssertPlaces(TopologyLoadResult result, params string[] expected) =>
        Assert.Equal(expected, result.Diagnostics.Select(d => $"{d.Span}: {(d.Severity == DiagnosticSeverity.Error ? "error" : "warning")} {d.Code}"));
}

using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Topology;

namespace Nfv.Testing;

/// <summary>
/// A function's configuration written as it appears in a topology file, read by the loader's own YAML parser, so a
/// factory's tests see the same nodes, lines and columns as <c>nfv validate</c>.
/// </summary>
public static class FunctionConfig
{
    /// <summary>Parses <paramref name="yaml"/>, whose top level must be a mapping.</summary>
    /// <exception cref="FunctionTestException">The text is not valid YAML, or its top level is not a mapping.</exception>
    public static ConfigMapping Parse(string yaml, string file = "test.yaml")
    {
        var diagnostics = new DiagnosticBag();
        var root = TopologyLoader.ParseYaml(yaml, file, diagnostics);
        Check.That(diagnostics.Items.Count == 0, $"the YAML does not parse: {string.Join("; ", diagnostics.Items)}");
        return root switch
        {
            ConfigMapping map => map,
            null or ConfigScalar { Value: "" } => new ConfigMapping([], new SourceSpan(file, 1, 1)),
            _ => throw new FunctionTestException($"the top level must be a mapping, not {root.Describe()}"),
        };
    }

    /// <summary>Parses <paramref name="yaml"/> and returns the mapping under its only key (<c>lan: { kind: switch }</c>).</summary>
    /// <exception cref="FunctionTestException">The text does not parse, or is not one key whose value is a mapping.</exception>
    public static ConfigMapping ParseFunction(string yaml, string file = "test.yaml") => OnlyEntry(Parse(yaml, file)).Config;

    /// <summary>
    /// Defines the function <paramref name="yaml"/> declares (one key, its mapping with <c>kind</c>) with
    /// <paramref name="factory"/>: its blueprint (null when refused) and every problem reported.
    /// </summary>
    public static (FunctionBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(INetworkFunctionFactory factory, string yaml, string file = "test.yaml")
    {
        ArgumentNullException.ThrowIfNull(factory);
        var (name, config) = OnlyEntry(Parse(yaml, file));
        var diagnostics = new DiagnosticBag();
        return (factory.Define(new FunctionDefinitionContext(name, config, diagnostics)), diagnostics);
    }

    private static (string Name, ConfigMapping Config) OnlyEntry(ConfigMapping root)
    {
        Check.That(root.Entries.Count == 1 && root.Entries[0].Value is ConfigMapping, "expected one key whose value is a mapping");
        return (root.Entries[0].Key.Value, (ConfigMapping)root.Entries[0].Value);
    }
}

using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

// How nfv finds the function: the attribute on the assembly names its factory; nothing is registered by hand.
[assembly: NetworkFunction(typeof(NfvFunction1.Wire1Factory))]

namespace NfvFunction1;

/// <summary>
/// <c>kind: nfv-function-kind</c>: a bump in the wire between ports <c>a</c> and <c>b</c> that passes every frame across,
/// except those whose EtherType is listed in <c>block</c>.
/// </summary>
/// <example>
/// <code>
/// functions:
///   filter: { kind: nfv-function-kind, block: [0x86dd] }   # no IPv6 across
/// links:
///   - [p1, filter.a]
///   - [filter.b, p2]
/// </code>
/// </example>
public sealed class Wire1Factory : INetworkFunctionFactory
{
    /// <summary>The diagnostic code of an entry of <c>block</c> that is not an EtherType (the kind's own prefix, then a number).</summary>
    public const string BadEtherType = "NFVFUNCTIONKIND01";

    /// <inheritdoc/>
    public string Kind => "nfv-function-kind";

    /// <inheritdoc/>
    public string Summary => "passes frames between ports a and b, dropping the EtherTypes listed in 'block'";

    /// <inheritdoc/>
    public string DiagnosticPrefix => "NFVFUNCTIONKIND";

    /// <inheritdoc/>
    /// <remarks>Every problem is a diagnostic at its line and column; bad input never throws.</remarks>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        var reader = new ConfigReader(context.Diagnostics);
        reader.CheckKeys(context.Config, $"function '{context.Name}'", "kind", "block");
        var blocked = new List<ushort>();
        if (context.Config["block"] is { } node && reader.AsSequence(node, "'block'") is { } entries)
        {
            foreach (var entry in entries.Items)
            {
                if (reader.AsScalar(entry, "an EtherType in 'block'") is not { } scalar)
                {
                    continue;
                }
                if (!TryParseEtherType(scalar.Value, out ushort type))
                {
                    context.Diagnostics.Error(BadEtherType, scalar.Span, $"'{scalar.Value}' is not an EtherType: write it in hex from 0x0600 to 0xffff, as 0x86dd (IPv6)");
                }
                else if (!blocked.Contains(type))
                {
                    blocked.Add(type);
                }
            }
        }
        return context.Diagnostics.HasErrors ? null : new Wire1Blueprint(blocked);
    }

    private static bool TryParseEtherType(string text, out ushort type)
    {
        type = 0;
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            ushort.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out type) &&
            type >= 0x0600; // below are IEEE 802.3 lengths, not types
    }
}

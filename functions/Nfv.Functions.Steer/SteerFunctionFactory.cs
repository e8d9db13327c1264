using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;

[assembly: NetworkFunction(typeof(Nfv.Functions.Steer.SteerFunctionFactory))]

namespace Nfv.Functions.Steer;

/// <summary>
/// Makes steering functions (<c>kind: steer</c>): reads their chains and classes, reporting every problem with its line
/// and column; never throws for bad input.
/// </summary>
public sealed class SteerFunctionFactory : INetworkFunctionFactory
{
    /// <summary>What a class or the default names to send traffic straight on, through no chain.</summary>
    public const string Direct = "direct";

    private static readonly string[] s_keys = ["kind", "chains", "classes", "default"];
    private static readonly string[] s_classKeys = ["name", "chain", .. Ipv4Match.Keys];

    /// <inheritdoc/>
    public string Kind => "steer";

    /// <inheritdoc/>
    public string Summary => "service chains: classes of traffic through different chains of inline functions, replies the same way back";

    /// <inheritdoc/>
    public string DiagnosticPrefix => "NFV17";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"steer '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);

        var chains = new List<string>();
        if (config["chains"] is { } chainsNode && reader.AsSequence(chainsNode, $"'chains' of {where}") is { } list)
        {
            foreach (var item in list.Items)
            {
                if (reader.AsScalar(item, $"a chain of {where}") is not { } chain)
                {
                    continue;
                }
                string? problem = chain.Value is Direct or "inside" or "outside" ? $"is a name the function keeps for itself"
                    : chain.Value.EndsWith("-end", StringComparison.Ordinal) ? "ends in -end, which names a chain's far port"
                    : !FunctionBlueprint.IsValidPortName(chain.Value) ? "is not a port name (1 to 64 letters, digits, '-' or '_')"
                    : chains.Contains(chain.Value) ? "is listed twice" : null;
                if (problem is not null)
                {
                    reader.Diagnostics.Error(SteerDiagnosticCodes.BadChain, chain.Span, $"chain '{chain.Value}' of {where} {problem}");
                    continue;
                }
                chains.Add(chain.Value);
            }
        }

        var classes = new List<SteerClass>();
        if (config["classes"] is { } classesNode && reader.AsSequence(classesNode, $"'classes' of {where}") is { } items)
        {
            foreach (var item in items.Items)
            {
                string what = $"class {classes.Count + 1} of {where}";
                if (reader.AsMapping(item, what) is not { } map)
                {
                    continue;
                }
                reader.CheckKeys(map, what, s_classKeys);
                string name = map["name"] is { } nameNode && reader.AsScalar(nameNode, $"'name' of {what}") is { } n ? n.Value : $"class-{classes.Count + 1}";
                int? chain = reader.Required(map, "chain", what) is { } chainNode ? Chain(reader, chainNode, $"'chain' of {what}", chains) : null;
                if (reader.Match(map, what) is { } match && chain is { } c)
                {
                    classes.Add(new SteerClass(name, match, c, map.Span));
                }
            }
        }
        int fallback = config["default"] is { } defaultNode ? Chain(reader, defaultNode, $"'default' of {where}", chains) ?? -1 : -1;
        for (int i = 0; i < chains.Count; i++)
        {
            if (fallback != i && !classes.Any(c => c.Chain == i))
            {
                reader.Diagnostics.Warning(SteerDiagnosticCodes.UnusedChain, config.KeyNode("chains")!.Span,
                    $"chain '{chains[i]}' of {where} gets no traffic: no class and not the default names it");
            }
        }
        return context.Diagnostics.HasErrors ? null : new SteerBlueprint(context.Name, new SteerOptions(chains, classes, fallback));
    }

    private static int? Chain(ConfigReader reader, ConfigNode node, string what, List<string> chains)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (scalar.Value == Direct)
        {
            return -1;
        }
        int index = chains.IndexOf(scalar.Value);
        if (index < 0)
        {
            reader.Diagnostics.Error(SteerDiagnosticCodes.UnknownChain, node.Span,
                $"{what} is '{scalar.Value}', which 'chains' does not list; the chains are: {string.Join(", ", [.. chains, Direct])}");
            return null;
        }
        return index;
    }
}

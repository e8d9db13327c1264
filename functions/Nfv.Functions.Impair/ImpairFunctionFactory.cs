using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

[assembly: NetworkFunction(typeof(Nfv.Functions.Impair.ImpairFunctionFactory))]

namespace Nfv.Functions.Impair;

/// <summary>
/// Makes impairments (<c>kind: impair</c>): reads and checks what each direction suffers, reporting every problem with its
/// line and column; never throws for bad input.
/// </summary>
public sealed class ImpairFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_impairmentKeys = ["delay", "jitter", "distribution", "loss", "duplicate", "reorder", "corrupt", "rate"];
    private static readonly string[] s_keys = ["kind", "queue", "seed", "outbound", "inbound", .. s_impairmentKeys];
    private static readonly string[] s_burstKeys = ["to-bad", "to-good", "bad", "good"];
    private static readonly Dictionary<string, DelayDistribution> s_distributions = new(StringComparer.Ordinal)
    {
        ["uniform"] = DelayDistribution.Uniform, ["normal"] = DelayDistribution.Normal, ["pareto"] = DelayDistribution.Pareto,
    };

    /// <summary>The packets each direction holds unless it says otherwise (netem's default limit).</summary>
    public const int DefaultQueue = 1000;

    /// <inheritdoc/>
    public string Kind => "impair";

    /// <inheritdoc/>
    public string Summary => "an imperfect wire between ports inside and outside: delay, jitter, loss, duplication, reordering, corruption, rate";

    /// <inheritdoc/>
    public string DiagnosticPrefix => "NFV19";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReadOptions(context.Config, context.Diagnostics, $"impair '{context.Name}'") is { } options
            ? new ImpairBlueprint(context.Name, options)
            : null;
    }

    /// <summary>The options <paramref name="config"/> gives, or null after reporting every problem (a new blueprint, or a running function's new settings).</summary>
    internal static ImpairOptions? ReadOptions(ConfigMapping config, DiagnosticBag diagnostics, string where)
    {
        var reader = new ConfigReader(diagnostics);
        int errors = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        reader.CheckKeys(config, where, s_keys);
        var both = ReadImpairment(reader, config, where, new Impairment());
        var outbound = config["outbound"] is { } outNode && reader.AsMapping(outNode, $"'outbound' of {where}") is { } outMap
            ? ReadDirection(reader, outMap, $"'outbound' of {where}", both)
            : both;
        var inbound = config["inbound"] is { } inNode && reader.AsMapping(inNode, $"'inbound' of {where}") is { } inMap
            ? ReadDirection(reader, inMap, $"'inbound' of {where}", both)
            : both;
        int queue = DefaultQueue;
        if (config["queue"] is { } queueNode && reader.Int(queueNode, $"'queue' of {where} (packets)", 1, 65536) is { } q)
        {
            queue = q;
        }
        int? seed = config["seed"] is { } seedNode ? reader.Int(seedNode, $"'seed' of {where}", 0, int.MaxValue) : null;
        return diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > errors ? null : new ImpairOptions(outbound, inbound, queue, seed);
    }

    /// <summary>One line saying what a direction does: <c>delay 20ms jitter 5ms normal, loss 1%</c>, or <c>none</c>.</summary>
    public static string Describe(Impairment settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parts = new List<string>();
        if (settings.Delay > TimeSpan.Zero || settings.Jitter > TimeSpan.Zero)
        {
            parts.Add($"delay {ConfigReader.FormatDuration(settings.Delay)}" + (settings.Jitter > TimeSpan.Zero
                ? $" jitter {ConfigReader.FormatDuration(settings.Jitter)} {settings.Distribution.ToString().ToLowerInvariant()}" : ""));
        }
        if (settings.Loss is { } loss)
        {
            parts.Add(loss.IsBursty
                ? $"loss bursts (to-bad {Percent(loss.ToBad)}, to-good {Percent(loss.ToGood)}, bad {Percent(loss.BadLoss)}, good {Percent(loss.GoodLoss)})"
                : $"loss {Percent(loss.Probability)}");
        }
        AddChance(parts, "duplicate", settings.Duplicate);
        AddChance(parts, "reorder", settings.Reorder);
        AddChance(parts, "corrupt", settings.Corrupt);
        if (settings.RateBitsPerSecond > 0)
        {
            parts.Add($"rate {settings.RateBitsPerSecond.ToString(CultureInfo.InvariantCulture)} bit/s");
        }
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static void AddChance(List<string> parts, string what, double chance)
    {
        if (chance > 0)
        {
            parts.Add($"{what} {Percent(chance)}");
        }
    }

    private static string Percent(double chance) => (chance * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";

    private static Impairment ReadDirection(ConfigReader reader, ConfigMapping map, string what, Impairment both)
    {
        reader.CheckKeys(map, what, s_impairmentKeys);
        return ReadImpairment(reader, map, what, both);
    }

    // The impairment keys of a mapping, over what it inherits (the function's own keys, for a direction).
    private static Impairment ReadImpairment(ConfigReader reader, ConfigMapping map, string where, Impairment result)
    {
        if (map["delay"] is { } delay && reader.Duration(delay, $"'delay' of {where}", TimeSpan.Zero, TimeSpan.FromSeconds(60)) is { } d)
        {
            result = result with { Delay = d };
        }
        if (map["jitter"] is { } jitter && reader.Duration(jitter, $"'jitter' of {where}", TimeSpan.Zero, TimeSpan.FromSeconds(60)) is { } j)
        {
            result = result with { Jitter = j };
        }
        if (map["distribution"] is { } distribution &&
            reader.Choice(distribution, $"'distribution' of {where}", s_distributions, ImpairDiagnosticCodes.BadChoice) is { } dist)
        {
            result = result with { Distribution = dist };
        }
        if (map["loss"] is { } lossNode)
        {
            result = result with { Loss = ReadLoss(reader, lossNode, $"'loss' of {where}") };
        }
        if (map["duplicate"] is { } duplicate && Chance(reader, duplicate, $"'duplicate' of {where}") is { } dup)
        {
            result = result with { Duplicate = dup };
        }
        if (map["reorder"] is { } reorder && Chance(reader, reorder, $"'reorder' of {where}") is { } re)
        {
            result = result with { Reorder = re };
            if (re > 0 && result.Delay == TimeSpan.Zero && result.Jitter == TimeSpan.Zero)
            {
                reader.Diagnostics.Error(ImpairDiagnosticCodes.ReorderWithoutDelay, reorder.Span,
                    $"'reorder' of {where} needs a 'delay': reordered packets overtake delayed ones, and nothing is delayed");
            }
        }
        if (map["corrupt"] is { } corrupt && Chance(reader, corrupt, $"'corrupt' of {where}") is { } c)
        {
            result = result with { Corrupt = c };
        }
        if (map["rate"] is { } rate && reader.BitRate(rate, $"'rate' of {where}", 8_000, 100_000_000_000) is { } r)
        {
            result = result with { RateBitsPerSecond = r };
        }
        return result;
    }

    // loss: 1%, or { to-bad: 1%, to-good: 25%, bad: 100%, good: 0% } for Gilbert-Elliott bursts.
    private static LossModel? ReadLoss(ConfigReader reader, ConfigNode node, string what)
    {
        if (node is ConfigScalar)
        {
            return Chance(reader, node, what) is { } p && p > 0 ? new LossModel(p) : null;
        }
        if (reader.AsMapping(node, what) is not { } map)
        {
            return null;
        }
        reader.CheckKeys(map, what, s_burstKeys);
        double? toBad = reader.Required(map, "to-bad", what) is { } b ? Chance(reader, b, $"'to-bad' of {what}") : null;
        double? toGood = reader.Required(map, "to-good", what) is { } g ? Chance(reader, g, $"'to-good' of {what}") : null;
        double bad = map["bad"] is { } badNode ? Chance(reader, badNode, $"'bad' of {what}") ?? 1 : 1;
        double good = map["good"] is { } goodNode ? Chance(reader, goodNode, $"'good' of {what}") ?? 0 : 0;
        if (toBad is not { } p1 || toGood is not { } r1)
        {
            return null;
        }
        if (p1 == 0 || r1 == 0)
        {
            reader.Diagnostics.Error(ImpairDiagnosticCodes.BadChance, map.Span,
                $"{what}: 'to-bad' and 'to-good' must both be above 0% (a chain that never changes state is plain loss: write 'loss: N%')");
            return null;
        }
        // Probability: the long-run loss, the bad state's share p / (p + r) of the time at its loss, the rest at the good's.
        double badShare = p1 / (p1 + r1);
        return new LossModel((badShare * bad) + ((1 - badShare) * good), p1, r1, good, bad);
    }

    // A chance written as a percentage: 0% to 100%, decimals allowed (0.5%).
    private static double? Chance(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        string text = scalar.Value.Trim();
        if (text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent) &&
            percent is >= 0 and <= 100)
        {
            return percent / 100;
        }
        reader.Diagnostics.Error(ImpairDiagnosticCodes.BadChance, node.Span, $"{what} must be a percentage from 0% to 100% such as 1% or 0.5%, not '{scalar.Value}'");
        return null;
    }
}

/// <summary>
/// Diagnostic codes of the impairment's configuration, in the NFV19xx range given to it. Generic problems use the shared
/// codes: unknown key NFV0102, missing key NFV0101, bad number NFV0202, bad duration NFV0205, bad rate NFV0210.
/// </summary>
public static class ImpairDiagnosticCodes
{
    /// <summary>A word that is not one of those the key takes (<c>distribution: gamma</c>).</summary>
    public const string BadChoice = "NFV1901";

    /// <summary>A chance that is not a percentage from 0% to 100%, or a burst chain that never changes state.</summary>
    public const string BadChance = "NFV1902";

    /// <summary>Reordering asked for where nothing is delayed.</summary>
    public const string ReorderWithoutDelay = "NFV1903";
}

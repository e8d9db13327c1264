using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;

[assembly: NetworkFunction(typeof(Nfv.Functions.Policer.PolicerFunctionFactory))]

namespace Nfv.Functions.Policer;

/// <summary>
/// Makes policers (<c>kind: policer</c>): reads and checks their classes and rates, reporting every problem with its
/// line and column; never throws for bad input.
/// </summary>
public sealed class PolicerFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_bucketKeys = ["rate", "burst", "exceed", "remark-dscp"];
    private static readonly string[] s_keys = ["kind", "direction", "classes", .. s_bucketKeys];
    private static readonly string[] s_classKeys = ["name", .. s_bucketKeys, .. Ipv4Match.Keys];
    private static readonly Dictionary<string, PolicerDirection> s_directions = new(StringComparer.Ordinal)
    {
        ["both"] = PolicerDirection.Both, ["outbound"] = PolicerDirection.Outbound, ["inbound"] = PolicerDirection.Inbound,
    };
    private static readonly Dictionary<string, PolicerExceed> s_exceeds = new(StringComparer.Ordinal)
    {
        ["drop"] = PolicerExceed.Drop, ["remark"] = PolicerExceed.Remark,
    };

    /// <summary>The smallest burst a class gets unless it says otherwise: four 64 kB super-frames.</summary>
    public const long DefaultMinBurst = 256 * 1024;

    /// <summary>The smallest burst: one full-size frame.</summary>
    public const long MinBurst = 1500;

    /// <summary>The largest burst: 64 MB.</summary>
    public const long MaxBurst = 64L * 1024 * 1024;

    /// <summary>The slowest rate a class may have: 8 kbit/s (1 kB/s).</summary>
    public const long MinBitsPerSecond = 8_000;

    /// <summary>The fastest: 100 gbit/s.</summary>
    public const long MaxBitsPerSecond = 100_000_000_000;

    /// <inheritdoc/>
    public string Kind => "policer";

    /// <inheritdoc/>
    public string Summary => "token-bucket policing between ports inside and outside, per class: drop or re-mark DSCP over the rate";

    /// <inheritdoc/>
    public string DiagnosticPrefix => "NFV16";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"policer '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);
        var options = new PolicerOptions();
        if (config["direction"] is { } directionNode && reader.Choice(directionNode, $"'direction' of {where}", s_directions, PolicerDiagnosticCodes.BadChoice) is { } direction)
        {
            options = options with { Direction = direction };
        }
        var classes = new List<PolicerClass>();
        if (config["classes"] is { } classesNode && reader.AsSequence(classesNode, $"'classes' of {where}") is { } list)
        {
            foreach (var item in list.Items)
            {
                string what = $"class {classes.Count + 1} of {where}";
                if (reader.AsMapping(item, what) is not { } map)
                {
                    continue;
                }
                reader.CheckKeys(map, what, s_classKeys);
                var name = map["name"] is { } nameNode && reader.AsScalar(nameNode, $"'name' of {what}") is { } n ? n.Value : $"class-{classes.Count + 1}";
                if (classes.Any(c => c.Name == name))
                {
                    reader.Diagnostics.Error(PolicerDiagnosticCodes.DuplicateClass, map["name"]?.Span ?? map.Span, $"{what} is named '{name}' as an earlier class is");
                }
                if (reader.Required(map, "rate", what) is not null && reader.Match(map, what) is { } match && Bucket(reader, map, what, name, match) is { } policed)
                {
                    classes.Add(policed);
                }
            }
        }
        // The top level's rate is the default class: what no class matches. Without one, such traffic passes.
        if (config["rate"] is not null)
        {
            if (Bucket(reader, config, where, "default", Ipv4Match.Any) is { } fallback)
            {
                classes.Add(fallback);
            }
        }
        else if ((config.KeyNode("burst") ?? config.KeyNode("exceed") ?? config.KeyNode("remark-dscp")) is { } orphan)
        {
            reader.Diagnostics.Error(DiagnosticCodes.MissingKey, orphan.Span, $"'{orphan.Value}' of {where} is for its default class, which needs 'rate'");
        }
        if (classes.Count == 0 && !context.Diagnostics.HasErrors)
        {
            reader.Diagnostics.Error(DiagnosticCodes.MissingKey, config.Span, $"{where} polices nothing: give it a 'rate', 'classes', or both");
        }
        return context.Diagnostics.HasErrors ? null : new PolicerBlueprint(context.Name, options with { Classes = classes });
    }

    /// <summary>The bucket keys of a class (or of the top level): rate, burst, exceed, remark-dscp.</summary>
    private static PolicerClass? Bucket(ConfigReader reader, ConfigMapping map, string what, string name, Ipv4Match match)
    {
        int errors = reader.Diagnostics.Items.Count;
        long? rate = map["rate"] is { } rateNode ? reader.BitRate(rateNode, $"'rate' of {what}", MinBitsPerSecond, MaxBitsPerSecond) : null;
        // Default burst: 50 ms at the rate, at least 256 kB. Lab hosts on TAPs send TCP as TSO super-frames of up to
        // 64 kB, and a bucket that cannot take a few of them drops whole windows: at 10 Mbit/s iperf3 got 5.5 Mbit/s
        // through 128 kB and 0.7 through 16 kB, 9.8 through 256 kB (PolicerLabTests).
        long burst = rate is { } r ? Math.Max(DefaultMinBurst, r / 8 / 20) : 0;
        if (map["burst"] is { } burstNode && reader.ByteSize(burstNode, $"'burst' of {what}", MinBurst, MaxBurst) is { } b)
        {
            burst = b;
        }
        var exceed = PolicerExceed.Drop;
        if (map["exceed"] is { } exceedNode && reader.Choice(exceedNode, $"'exceed' of {what}", s_exceeds, PolicerDiagnosticCodes.BadChoice) is { } e)
        {
            exceed = e;
        }
        byte dscp = 0;
        var dscpKey = map.KeyNode("remark-dscp");
        if (map["remark-dscp"] is { } dscpNode && reader.Int(dscpNode, $"'remark-dscp' of {what}", 0, 63) is { } d)
        {
            dscp = (byte)d;
        }
        if ((exceed == PolicerExceed.Remark) != (dscpKey is not null))
        {
            reader.Diagnostics.Error(PolicerDiagnosticCodes.RemarkNeedsDscp, dscpKey?.Span ?? map.KeyNode("exceed")!.Span,
                dscpKey is null ? $"'exceed: remark' of {what} needs 'remark-dscp' (the DSCP to set, 0-63)" : $"'remark-dscp' of {what} needs 'exceed: remark'");
        }
        bool failed = reader.Diagnostics.Items.Skip(errors).Any(x => x.Severity == DiagnosticSeverity.Error);
        return failed || rate is null ? null : new PolicerClass(name, match, rate.Value, burst, exceed, dscp, map.Span);
    }

}

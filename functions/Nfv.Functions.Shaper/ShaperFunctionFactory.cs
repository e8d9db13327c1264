using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

[assembly: NetworkFunction(typeof(Nfv.Functions.Shaper.ShaperFunctionFactory))]

namespace Nfv.Functions.Shaper;

/// <summary>
/// Makes shapers (<c>kind: shaper</c>): reads and checks their rate, burst and queue, reporting every problem with its
/// line and column; never throws for bad input.
/// </summary>
public sealed class ShaperFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys = ["kind", "direction", "rate", "burst", "queue"];
    private static readonly Dictionary<string, ShaperDirection> s_directions = new(StringComparer.Ordinal)
    {
        ["both"] = ShaperDirection.Both, ["outbound"] = ShaperDirection.Outbound, ["inbound"] = ShaperDirection.Inbound,
    };

    /// <summary>The packets a queue holds unless it says otherwise.</summary>
    public const int DefaultQueue = 1000;

    /// <inheritdoc/>
    public string Kind => "shaper";

    /// <inheritdoc/>
    public string Summary => "traffic shaping between ports inside and outside: a queue each way released at the rate";

    /// <inheritdoc/>
    public string DiagnosticPrefix => "NFV18";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"shaper '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);
        var direction = config["direction"] is { } directionNode
            ? reader.Choice(directionNode, $"'direction' of {where}", s_directions, ShaperDiagnosticCodes.BadChoice) ?? ShaperDirection.Both
            : ShaperDirection.Both;
        long? rate = reader.Required(config, "rate", where) is { } rateNode ? reader.BitRate(rateNode, $"'rate' of {where}", 8_000, 100_000_000_000) : null;
        // Default burst: two full frames, so what leaves is as smooth as the rate allows.
        long burst = 2 * 1514;
        if (config["burst"] is { } burstNode && reader.ByteSize(burstNode, $"'burst' of {where}", 1500, 64L * 1024 * 1024) is { } b)
        {
            burst = b;
        }
        int queue = DefaultQueue;
        if (config["queue"] is { } queueNode && reader.Int(queueNode, $"'queue' of {where} (packets)", 1, 65536) is { } q)
        {
            queue = q;
        }
        return context.Diagnostics.HasErrors || rate is null ? null : new ShaperBlueprint(context.Name, new ShaperOptions(direction, rate.Value, burst, queue));
    }
}

/// <summary>
/// Diagnostic codes of the shaper's configuration, in the NFV18xx range given to it. Generic problems use the shared
/// codes: unknown key NFV0102, missing key NFV0101, bad number NFV0202, bad rate NFV0210, bad size NFV0211.
/// </summary>
public static class ShaperDiagnosticCodes
{
    /// <summary>A word that is not one of those the key takes (<c>direction: up</c>).</summary>
    public const string BadChoice = "NFV1801";
}

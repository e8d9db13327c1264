using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Functions.Firewall;

/// <summary>A checked firewall: two ports, <c>inside</c> (0) and <c>outside</c> (1).</summary>
public sealed class FirewallBlueprint : FunctionBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<FirewallDrop>();
    private static readonly string[] s_ports = ["inside", "outside"];
    private readonly bool[] _linked = new bool[2];

    internal FirewallBlueprint(string name, FirewallOptions options)
    {
        Name = name;
        Options = options;
    }

    /// <summary>The firewall's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The configuration.</summary>
    public FirewallOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports => s_ports;

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="FirewallDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    /// <remarks>A link names <c>inside</c> or <c>outside</c>; a bare name takes inside first, then outside.</remarks>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        int index = port is null ? Array.IndexOf(_linked, false) : Array.IndexOf(s_ports, port);
        if (index < 0)
        {
            diagnostics.Error(DiagnosticCodes.UnknownPort, span, port is null
                ? $"both ports of firewall '{Name}', inside and outside, are already linked"
                : $"firewall '{Name}' has no port '{port}'; its ports are inside and outside");
            return -1;
        }
        _linked[index] = true;
        return index;
    }

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FirewallFunction(Options, context.Time);
    }
}

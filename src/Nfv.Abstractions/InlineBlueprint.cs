using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// The blueprint of a function that sits inline on a wire (a firewall, a policer): two ports, <c>inside</c> (0) and
/// <c>outside</c> (1), and a frame that comes in on one leaves by the other. A link names a port, or is bare and takes
/// inside first, then outside; so functions chain as <c>[lan, fw]</c>, <c>[fw, police]</c>, <c>[police, router.lan]</c>.
/// </summary>
/// <param name="name">The function's name in the topology.</param>
/// <param name="kind">Its kind, as diagnostics name it.</param>
public abstract class InlineBlueprint(string name, string kind) : FunctionBlueprint
{
    /// <summary>The inside port's number.</summary>
    public const int Inside = 0;

    /// <summary>The outside port's number.</summary>
    public const int Outside = 1;

    private static readonly string[] s_ports = ["inside", "outside"];
    private readonly bool[] _linked = new bool[2];

    /// <summary>The function's name in the topology.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public sealed override IReadOnlyList<string> Ports => s_ports;

    /// <inheritdoc/>
    public sealed override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        int index = port is null ? Array.IndexOf(_linked, false) : Array.IndexOf(s_ports, port);
        if (index < 0)
        {
            diagnostics.Error(DiagnosticCodes.UnknownPort, span, port is null
                ? $"both ports of {kind} '{Name}', inside and outside, are already linked"
                : $"{kind} '{Name}' has no port '{port}'; its ports are inside and outside");
            return -1;
        }
        _linked[index] = true;
        return index;
    }
}

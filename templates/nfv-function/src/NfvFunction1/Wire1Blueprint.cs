using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace NfvFunction1;

/// <summary>A checked <c>nfv-function-kind</c>: its two ports, its drop reasons, and how links attach to it.</summary>
internal sealed class Wire1Blueprint(IReadOnlyList<ushort> blocked) : FunctionBlueprint
{
    /// <summary>The EtherTypes dropped, in the order written.</summary>
    public IReadOnlyList<ushort> Blocked { get; } = blocked;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports { get; } = ["a", "b"];

    /// <inheritdoc/>
    public override IReadOnlyList<string> DropReasons { get; } = Enum.GetNames<Wire1Drop>();

    /// <inheritdoc/>
    /// <remarks>A link names <c>a</c> or <c>b</c>; a bare name takes the first port not yet linked.</remarks>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        int index = port is null ? Array.IndexOf(_linked, false) : Ports.ToList().IndexOf(port);
        if (index < 0)
        {
            diagnostics.Error(DiagnosticCodes.UnknownPort, span, port is null
                ? "both ports, 'a' and 'b', are already linked"
                : $"there is no port '{port}'; the ports are 'a' and 'b'");
            return -1;
        }
        _linked[index] = true;
        return index;
    }

    private readonly bool[] _linked = new bool[2];

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context) => new Wire1Function(Blocked);
}

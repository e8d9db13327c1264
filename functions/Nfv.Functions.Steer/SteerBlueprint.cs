using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Functions.Steer;

/// <summary>
/// A checked steering function: ports <c>inside</c> (0) and <c>outside</c> (1), then for chain <c>i</c> its start
/// <c>NAME</c> (2 + 2i), where traffic from inside leaves into the chain, and its far end <c>NAME-end</c> (3 + 2i),
/// where it comes back to go on outside.
/// </summary>
public sealed class SteerBlueprint : FunctionBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<SteerDrop>();
    private readonly string[] _ports;
    private readonly bool[] _linked;

    internal SteerBlueprint(string name, SteerOptions options)
    {
        Name = name;
        Options = options;
        _ports = ["inside", "outside", .. options.Chains.SelectMany(c => new[] { c, $"{c}-end" })];
        _linked = new bool[_ports.Length];
    }

    /// <summary>The function's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The configuration.</summary>
    public SteerOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports => _ports;

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="SteerDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    /// <remarks>A link names a port; a bare name takes inside first, then outside (a chain's ports must be named).</remarks>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        int index = port is null ? Array.IndexOf(_linked, false, 0, 2) : Array.IndexOf(_ports, port);
        if (index < 0)
        {
            diagnostics.Error(DiagnosticCodes.UnknownPort, span, port is null
                ? $"inside and outside of steer '{Name}' are already linked; name a chain's port ({string.Join(", ", _ports.Skip(2))})"
                : $"steer '{Name}' has no port '{port}'; its ports are {string.Join(", ", _ports)}");
            return -1;
        }
        _linked[index] = true;
        return index;
    }

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context) => new SteerFunction(Options);
}

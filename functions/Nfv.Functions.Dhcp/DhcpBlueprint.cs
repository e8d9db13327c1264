using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// A checked DHCP server configuration waiting for its link. The server has one port, <c>lan</c>, linked by the
/// function's bare name (<c>[dhcp, sw]</c>) or as <c>dhcp.lan</c>.
/// </summary>
public sealed class DhcpBlueprint : FunctionBlueprint
{
    /// <summary>The name of the server's only port.</summary>
    public const string PortName = "lan";

    private static readonly string[] s_ports = [PortName];
    private static readonly string[] s_dropReasons = Enum.GetNames<DhcpDrop>();

    /// <summary>Creates a blueprint for the server <paramref name="name"/>.</summary>
    public DhcpBlueprint(string name, DhcpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
    }

    /// <summary>The server's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The configuration.</summary>
    public DhcpServerOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports => s_ports;

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="DhcpDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (port is null or PortName)
        {
            return 0;
        }
        diagnostics.Error(DhcpDiagnosticCodes.UnknownPort, span,
            $"DHCP server '{Name}' has one port: link it as '{Name}' or '{Name}.{PortName}', not '{Name}.{port}'");
        return -1;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// With a state directory the leases live in <c>DIR/NAME.leases</c>, read back at start.
    /// </remarks>
    /// <exception cref="FunctionStartException">The lease file is in use by another process or cannot be opened.</exception>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Loggers.CreateLogger<DhcpFunction>();
        if (context.StateDirectory is not { } directory)
        {
            return new DhcpFunction(context.Name, Options, context.Time, logger);
        }
        string path = Path.Combine(directory, context.Name + ".leases");
        LeaseFile file;
        List<LeaseRecord> records;
        List<int> unreadable;
        try
        {
            file = LeaseFile.Open(path, out records, out unreadable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FunctionStartException(
                $"DHCP server '{context.Name}' cannot open its lease file {path}: {e.Message} (is another nfv running this topology?)", e);
        }
        return new DhcpFunction(context.Name, Options, context.Time, logger, file, records, unreadable);
    }
}

using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

namespace Nfv.Functions.Switch;

/// <summary>
/// A checked switch configuration waiting for its links: declared ports resolve by name, and each bare link
/// (<c>[lan1, lan]</c>) adds a new access port in VLAN 1 named after the peer.
/// </summary>
public sealed class SwitchBlueprint : FunctionBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<SwitchDrop>();

    private readonly SwitchOptions _options;
    private readonly List<SwitchPort> _ports;
    private readonly List<string> _portNames;

    /// <summary>Creates a blueprint for the switch <paramref name="name"/> with its declared ports in <paramref name="options"/>.</summary>
    public SwitchBlueprint(string name, SwitchOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _ports = [.. options.Ports];
        _portNames = [];
        foreach (var port in _ports)
        {
            _portNames.Add(port.Name);
        }
    }

    /// <summary>The switch's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The configuration, with every port known so far (declared, then created by bare links).</summary>
    public SwitchOptions Options => _options with { Ports = [.. _ports] };

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports => _portNames;

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="SwitchDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    /// <remarks>
    /// A named port must be declared under <c>ports:</c> (else error NFV0105, listing the declared ports). A bare
    /// reference creates an access port in VLAN 1 named after <paramref name="peerHint"/> (characters a port name
    /// cannot hold become '-'; a clash gets a -2, -3... suffix).
    /// </remarks>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (port is null)
        {
            string name = UniqueName(SanitizeName(peerHint));
            _ports.Add(SwitchPort.Access(name) with { Span = span });
            _portNames.Add(name);
            return _ports.Count - 1;
        }
        int index = _portNames.IndexOf(port);
        if (index >= 0)
        {
            return index;
        }
        var declared = _options.Ports;
        string message = declared.Count == 0
            ? $"switch '{Name}' has no port '{port}': it declares no ports. Declare it under 'ports:' of '{Name}' " +
              $"(for example '{port}: {{ vlan: 10 }}'), or link the bare name '{Name}' to get a new access port in VLAN 1"
            : $"switch '{Name}' has no port '{port}'; its declared ports are: {string.Join(", ", DeclaredNames(declared))}. " +
              $"Declare it under 'ports:' of '{Name}', or link the bare name '{Name}' to get a new access port in VLAN 1";
        diagnostics.Error(DiagnosticCodes.UnknownPort, span, message);
        return -1;
    }

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Loggers.CreateLogger<SwitchFunction>();
        var options = Options;
        return new SwitchFunction(context.Name, options, context.ConnectedPorts, context.Time, logger)
        {
            Share = context.InstanceCount > 1
                ? context.Shared(() => new MacShare(options.MacTableSize,
                    SwitchFunction.Ticks(options.Ageing, context.Time.TimestampFrequency)))
                : null,
        };
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Yes, unless a port has <c>max-macs</c>: each instance learns from the flows its worker reads, and between them
    /// they switch as one would (a flow stays on one worker's TAP queues, so one instance learns both its ends), but a
    /// port's limit would hold per instance, not over the port.
    /// </remarks>
    public override bool CanRunAsInstancePerWorker => _ports.All(p => p.MaxMacs == 0);

    /// <inheritdoc/>
    /// <remarks>
    /// Yes: its instances share the addresses they learn (<see cref="MacShare"/>), so each reaches a function that runs
    /// once (a DHCP server), whose frames only the instance on its worker sees, without flooding.
    /// </remarks>
    public override bool InstancesShareWhatTheyLearn => true;

    private static IEnumerable<string> DeclaredNames(IReadOnlyList<SwitchPort> ports)
    {
        foreach (var p in ports)
        {
            yield return p.Name;
        }
    }

    private static string SanitizeName(string hint)
    {
        var chars = (hint ?? "").ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '-' && chars[i] != '_')
            {
                chars[i] = '-';
            }
        }
        string name = new string(chars).Trim('-');
        if (name.Length > 56)
        {
            name = name[..56];
        }
        return name.Length == 0 ? "port" : name;
    }

    private string UniqueName(string name)
    {
        if (!_portNames.Contains(name))
        {
            return name;
        }
        for (int n = 2; ; n++)
        {
            string candidate = $"{name}-{n}";
            if (!_portNames.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}

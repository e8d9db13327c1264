using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// A checked router configuration waiting for its links. Its ports are its interfaces, by name (<c>gw.lan</c>);
/// a bare link to the router is refused, since a router cannot guess which interface is meant.
/// </summary>
public sealed class RouterBlueprint : FunctionBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<RouterDrop>();

    private readonly string[] _ports;

    /// <summary>Creates a blueprint for the router <paramref name="name"/>.</summary>
    public RouterBlueprint(string name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
        _ports = new string[options.Interfaces.Count];
        for (int i = 0; i < _ports.Length; i++)
        {
            _ports[i] = options.Interfaces[i].Name;
        }
    }

    /// <summary>The router's name in the topology.</summary>
    public string Name { get; }

    /// <summary>The configuration.</summary>
    public RouterOptions Options { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Ports => _ports;

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="RouterDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    /// <remarks>
    /// Yes. Each instance keeps its own ARP and neighbour tables, resolving what its worker's flows need and sharing what
    /// it learns with the others (a host's answer may reach any of them), and its own ICMP error rate limit, which then
    /// holds per worker. Router advertisements are instance 0's alone: the others hand it the solicitations they read.
    /// A router that names features runs per worker only when they all may too (a NAT may, a firewall may not); each
    /// instance gets its own instance of each, and hands a packet whose flow a feature says another instance owns to that
    /// one.
    /// </remarks>
    public override bool CanRunAsInstancePerWorker => true;

    /// <inheritdoc/>
    /// <remarks>
    /// One per name in an interface's <c>features</c>, each an <see cref="IIpv4Feature"/> told the interface
    /// (<see cref="Ipv4FeatureAttachment"/>) as its placement.
    /// </remarks>
    public override IReadOnlyList<FeatureReference> FeatureReferences
    {
        get
        {
            var local = Options.Interfaces.SelectMany(i => i.Addresses).Select(p => p.Address).ToArray();
            var references = new List<FeatureReference>();
            for (int i = 0; i < Options.Interfaces.Count; i++)
            {
                var config = Options.Interfaces[i];
                var placement = new Ipv4FeatureAttachment(Name, i, config.Name, config.Addresses, local);
                foreach (var (feature, span) in config.Features)
                {
                    references.Add(new FeatureReference(feature, typeof(IIpv4Feature), $"interface '{config.Name}' of router '{Name}'", span)
                    {
                        Placement = placement,
                    });
                }
            }
            return references;
        }
    }

    /// <inheritdoc/>
    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (port is null)
        {
            diagnostics.Error(RouterDiagnosticCodes.BareRouterLink, span,
                $"router '{Name}' cannot be linked by its bare name: link one of its interfaces, {Choices()}");
            return -1;
        }
        int index = Array.IndexOf(_ports, port);
        if (index >= 0)
        {
            return index;
        }
        diagnostics.Error(DiagnosticCodes.UnknownPort, span,
            $"router '{Name}' has no interface '{port}'; link one of {Choices()}, or declare '{port}' under 'interfaces:' of '{Name}'");
        return -1;
    }

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = context.Loggers.CreateLogger<RouterFunction>();
        var features = new IReadOnlyList<IIpv4Feature>?[Options.Interfaces.Count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = [.. Options.Interfaces[i].Features.Select(f => context.Feature<IIpv4Feature>(f.Name))];
        }
        return new RouterFunction(context.Name, Options, context.ConnectedPorts, context.Time, logger, features)
        {
            Instance = context.Instance,
            InstanceCount = context.InstanceCount,
            ArpShare = context.InstanceCount > 1
                ? context.Shared(() => new NeighbourShare<Ipv4Address>(Options.ArpCacheSize, Ticks(Options.ArpReachable, context.Time)))
                : null,
            NeighbourShare = context.InstanceCount > 1
                ? context.Shared(() => new NeighbourShare<Ipv6Address>(Options.NeighbourCacheSize, Ticks(Options.NeighbourReachable, context.Time)))
                : null,
        };
    }

    private static long Ticks(TimeSpan span, TimeProvider time) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private string Choices()
    {
        var names = new string[_ports.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = $"'{Name}.{_ports[i]}'";
        }
        return names.Length == 0 ? "(it has none)" : string.Join(", ", names);
    }
}

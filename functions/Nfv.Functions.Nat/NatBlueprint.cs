using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Features;

namespace Nfv.Functions.Nat;

/// <summary>A checked NAT configuration: an IPv4 feature, named by one router interface (<c>features: [NAME]</c>), never linked.</summary>
public sealed class NatBlueprint : FeatureBlueprint
{
    /// <summary>Creates a blueprint for the NAT <paramref name="name"/>.</summary>
    public NatBlueprint(string name, NatOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The configuration.</summary>
    public NatOptions Options { get; }

    /// <inheritdoc/>
    public override Type Contract => typeof(IIpv4Feature);

    /// <inheritdoc/>
    /// <remarks>Every external address (and every forward's) must be an address of the interface that names the NAT.</remarks>
    public override void CheckPlacement(FeatureReference reference, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var own = reference.Placement is Ipv4FeatureAttachment place ? place.Addresses.Select(p => p.Address).ToList() : [];
        string list = own.Count == 0 ? "(none)" : string.Join(", ", own);
        for (int i = 0; i < Options.External.Count; i++)
        {
            if (!own.Contains(Options.External[i]))
            {
                diagnostics.Error(NatDiagnosticCodes.BadExternal, i < Options.ExternalSpans.Count ? Options.ExternalSpans[i] : reference.Span,
                    $"external address {Options.External[i]} of nat '{Name}' is not an address of {reference.Place} ({list}); add it to the interface's 'address' list so the router answers ARP for it");
            }
        }
        var externals = Options.External.Count > 0 ? Options.External : own.Take(1).ToList();
        foreach (var forward in Options.Forwards)
        {
            if (forward.External is { } address && !externals.Contains(address))
            {
                diagnostics.Error(NatDiagnosticCodes.BadForward, forward.Span,
                    $"forward to {forward.To}:{forward.ToPort} of nat '{Name}' uses address {address}, which is not one of its external addresses ({string.Join(", ", externals)})");
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Yes: each instance owns the mappings on its share of the external ports (its own sessions, port-preserving when the
    /// inside port is one of its share) and the router hands it the packets of those flows (<see cref="NatFunction.InstanceFor"/>).
    /// They hold max-sessions and max-sessions-per-host together (<see cref="NatSessionBounds"/>); each holds an even share
    /// of the rates of new sessions, so together they hold about the configured ones.
    /// </remarks>
    public override bool CanRunAsInstancePerWorker => true;

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NatFunction(context.Name, Options, context.Time, context.Loggers.CreateLogger<NatFunction>(), context.Instance, context.InstanceCount)
        {
            FragmentOwners = context.InstanceCount > 1 ? context.Shared(() => new NatFragmentOwners(context.Time.TimestampFrequency)) : null,
            SessionBounds = context.InstanceCount > 1 ? context.Shared(() => new NatSessionBounds(Options.MaxSessions, (ulong)Random.Shared.NextInt64() | 1)) : null,
        };
    }
}

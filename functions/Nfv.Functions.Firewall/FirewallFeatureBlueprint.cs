using Nfv.Abstractions;
using Nfv.Ip.Features;

namespace Nfv.Functions.Firewall;

/// <summary>
/// A checked firewall named by a router interface (<c>features: [NAME]</c>) instead of linked: an IPv4 feature that
/// filters what arrives on the interface (from outside) and what leaves by it (from inside), sharing the router's
/// connection table with its other features.
/// </summary>
public sealed class FirewallFeatureBlueprint : FeatureBlueprint
{
    internal FirewallFeatureBlueprint(string name, FirewallOptions options)
    {
        Name = name;
        Options = options;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The configuration.</summary>
    public FirewallOptions Options { get; }

    /// <inheritdoc/>
    public override Type Contract => typeof(IIpv4Feature);

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FirewallFunction.Feature(context.Name, Options, context.Time);
    }
}

using Nfv.Abstractions;

namespace Nfv.Functions.Firewall;

/// <summary>
/// A checked firewall: inline between its ports <c>inside</c> and <c>outside</c>, or, named by a router interface, a
/// feature of it (<see cref="AsFeature"/>).
/// </summary>
public sealed class FirewallBlueprint : InlineBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<FirewallDrop>();

    internal FirewallBlueprint(string name, FirewallOptions options) : base(name, "firewall") => Options = options;

    /// <summary>The configuration.</summary>
    public FirewallOptions Options { get; }

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="FirewallDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    public override FeatureBlueprint AsFeature() => new FirewallFeatureBlueprint(Name, Options);

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FirewallFunction(Options, context.Time);
    }
}

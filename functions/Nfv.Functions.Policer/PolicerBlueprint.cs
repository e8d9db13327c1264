using Nfv.Abstractions;

namespace Nfv.Functions.Policer;

/// <summary>A checked policer: inline between its ports <c>inside</c> and <c>outside</c>.</summary>
public sealed class PolicerBlueprint : InlineBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<PolicerDrop>();

    internal PolicerBlueprint(string name, PolicerOptions options) : base(name, "policer") => Options = options;

    /// <summary>The configuration.</summary>
    public PolicerOptions Options { get; }

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="PolicerDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PolicerFunction(Options, context.Time);
    }
}

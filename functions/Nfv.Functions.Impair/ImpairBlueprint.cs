using Nfv.Abstractions;

namespace Nfv.Functions.Impair;

/// <summary>A checked impairment: inline between its ports <c>inside</c> and <c>outside</c>.</summary>
public sealed class ImpairBlueprint : InlineBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<ImpairDrop>();

    internal ImpairBlueprint(string name, ImpairOptions options) : base(name, "impair") => Options = options;

    /// <summary>The configuration.</summary>
    public ImpairOptions Options { get; }

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="ImpairDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ImpairFunction(Options, context.Time);
    }
}

using Nfv.Abstractions;

namespace Nfv.Functions.Shaper;

/// <summary>A checked shaper: inline between its ports <c>inside</c> and <c>outside</c>.</summary>
public sealed class ShaperBlueprint : InlineBlueprint
{
    private static readonly string[] s_dropReasons = Enum.GetNames<ShaperDrop>();

    internal ShaperBlueprint(string name, ShaperOptions options) : base(name, "shaper") => Options = options;

    /// <summary>The configuration.</summary>
    public ShaperOptions Options { get; }

    /// <inheritdoc/>
    /// <remarks>The names of <see cref="ShaperDrop"/>, in value order.</remarks>
    public override IReadOnlyList<string> DropReasons => s_dropReasons;

    /// <inheritdoc/>
    public override INetworkFunction Build(FunctionBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ShaperFunction(Options, context.Time);
    }
}

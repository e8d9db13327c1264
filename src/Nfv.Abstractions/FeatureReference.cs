using System.ComponentModel;
using System.Reflection;
using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// A function naming a feature (another function of the topology) where it runs it: a router interface's
/// <c>features: [masq]</c>. The topology loader resolves <see cref="Name"/> to a <see cref="FeatureBlueprint"/> whose
/// <see cref="FeatureBlueprint.Contract"/> is a <see cref="Contract"/>, and lets the feature check the place
/// (<see cref="FeatureBlueprint.CheckPlacement"/>). Neither function names the other's kind.
/// </summary>
/// <param name="Name">The feature function's name (<c>masq</c>).</param>
/// <param name="Contract">The interface the function running the feature calls it through (an IPv4 hook interface).</param>
/// <param name="Place">Where it runs, for messages: <c>interface 'wan' of router 'gw'</c>.</param>
/// <param name="Span">Where the name is written.</param>
public sealed record FeatureReference(string Name, Type Contract, string Place, SourceSpan Span)
{
    /// <summary>
    /// What the place offers the feature to check, a type the contract's library defines (an IPv4 feature is told the
    /// interface's addresses); null when there is nothing to tell.
    /// </summary>
    public object? Placement { get; init; }

    /// <summary>The contract as people read it: its <see cref="DescriptionAttribute"/> (<c>IPv4 feature</c>), else its type name.</summary>
    public string ContractName => Describe(Contract);

    /// <summary>How <paramref name="contract"/> is named in messages: its <see cref="DescriptionAttribute"/>, else its type name.</summary>
    public static string Describe(Type contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.GetCustomAttribute<DescriptionAttribute>()?.Description ?? contract.Name;
    }
}

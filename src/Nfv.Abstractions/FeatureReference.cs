using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;

namespace Nfv.Abstractions;

/// <summary>
/// A function naming an L3 feature (another function of the topology) where it runs it: a router interface's
/// <c>nat: masq</c>. The topology loader resolves <see cref="Name"/> to a <see cref="FeatureBlueprint"/> of kind
/// <see cref="Kind"/> and lets the feature check the place (<see cref="FeatureBlueprint.CheckPlacement"/>).
/// </summary>
/// <param name="Name">The feature function's name (<c>masq</c>).</param>
/// <param name="Kind">The kind the key asks for (<c>nat</c> for a <c>nat:</c> key).</param>
/// <param name="Place">Where it runs, for messages: <c>interface 'wan' of router 'gw'</c>.</param>
/// <param name="Addresses">The addresses of that interface (a NAT's external addresses must be among them).</param>
/// <param name="Span">Where the name is written.</param>
public sealed record FeatureReference(string Name, string Kind, string Place, IReadOnlyList<Ipv4Prefix> Addresses, SourceSpan Span);

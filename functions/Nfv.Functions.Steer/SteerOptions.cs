using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Functions.Steer;

/// <summary>A steering function's checked configuration (<c>kind: steer</c>).</summary>
/// <param name="Chains">The chains' names, in order: chain <c>i</c> leaves by port <c>NAME</c> and comes back by <c>NAME-end</c>.</param>
/// <param name="Classes">The classes, in order: the first a packet matches picks its chain.</param>
/// <param name="Default">The chain of a packet no class matches: an index in <paramref name="Chains"/>, or -1 for direct.</param>
public sealed record SteerOptions(IReadOnlyList<string> Chains, IReadOnlyList<SteerClass> Classes, int Default);

/// <summary>One class: what it matches, and the chain it takes.</summary>
/// <param name="Name">The class's name.</param>
/// <param name="Match">What a packet (seen from inside: replies are matched reversed) must match.</param>
/// <param name="Chain">An index in <see cref="SteerOptions.Chains"/>, or -1 for direct (no function between).</param>
/// <param name="Span">Where it is written.</param>
public sealed record SteerClass(string Name, Ipv4Match Match, int Chain, SourceSpan Span);

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Topology;

/// <summary>A machine a topology is split over (<c>nodes:</c>): its name and the underlay address the others reach it at.</summary>
/// <param name="Name">The node's name (<c>nfv run FILE --node NAME</c>).</param>
/// <param name="Address">Its underlay address: cross-node links are VXLAN tunnels between these.</param>
/// <param name="Span">Where it is declared.</param>
public sealed record ResolvedNode(string Name, Ipv4Address Address, SourceSpan Span);

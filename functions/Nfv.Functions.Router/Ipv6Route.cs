using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>One resolved IPv6 route, as <c>nfv show routes</c> prints it.</summary>
/// <param name="Prefix">The destination prefix.</param>
/// <param name="Kind">Connected, static or local (IPv6 has no broadcast).</param>
/// <param name="Interface">The egress interface (port) index; for local routes, the interface owning the address.</param>
/// <param name="NextHop">The gateway; <c>::</c> when the destination itself is on the link.</param>
public readonly record struct Ipv6Route(Ipv6Prefix Prefix, RouteKind Kind, int Interface, Ipv6Address NextHop);

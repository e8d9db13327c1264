using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>One resolved route, as <c>nfv show routes</c> prints it.</summary>
/// <param name="Prefix">The destination prefix.</param>
/// <param name="Kind">Connected, static, local or broadcast.</param>
/// <param name="Interface">The egress interface (port) index; for local and broadcast routes, the interface owning the address.</param>
/// <param name="NextHop">The gateway; 0.0.0.0 when the destination itself is on the link.</param>
public readonly record struct Route(Ipv4Prefix Prefix, RouteKind Kind, int Interface, Ipv4Address NextHop)
{
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RouteKind.Local => $"local {Prefix}",
        RouteKind.Broadcast => $"broadcast {Prefix}",
        _ when NextHop.Value != 0 => $"{Prefix} via {NextHop} if {Interface}",
        _ => $"{Prefix} if {Interface}{(Kind == RouteKind.Connected ? " connected" : "")}",
    };
}

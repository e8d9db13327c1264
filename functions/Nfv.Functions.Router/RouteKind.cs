namespace Nfv.Functions.Router;

/// <summary>What a route in the FIB is.</summary>
public enum RouteKind
{
    /// <summary>A subnet of one of the router's interfaces: destinations are neighbours on it.</summary>
    Connected = 0,
    /// <summary>A static route from the topology.</summary>
    Static = 1,
    /// <summary>One of the router's own addresses (a /32): delivered to the router itself.</summary>
    Local = 2,
    /// <summary>The broadcast address of a connected subnet (a /32): never forwarded (directed broadcast, RFC 2644).</summary>
    Broadcast = 3,
}

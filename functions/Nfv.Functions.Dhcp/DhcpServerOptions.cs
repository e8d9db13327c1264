using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>A DHCP server's checked configuration (<c>kind: dhcp</c>).</summary>
public sealed record DhcpServerOptions
{
    /// <summary>The server's own address and prefix on its segment; also its server identifier (option 54).</summary>
    public required Ipv4Prefix Address { get; init; }

    /// <summary>The server's MAC address.</summary>
    public required MacAddress Mac { get; init; }

    /// <summary>The server's own segment first, then subnets behind relays.</summary>
    public required IReadOnlyList<DhcpSubnet> Subnets { get; init; }

    /// <summary>Fixed addresses by MAC or client id.</summary>
    public IReadOnlyList<DhcpReservation> Reservations { get; init; } = [];

    /// <summary>How long an offered address is held for the client that was offered it.</summary>
    public TimeSpan OfferHold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an address a client declined (RFC 2131 §4.3.3: in use by someone else) is set aside.</summary>
    public TimeSpan DeclineHold { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether the server is the authority for its subnets (dnsmasq's <c>--dhcp-authoritative</c>): it NAKs a
    /// REQUEST for an address it cannot give and ACKs one for a free pool address it has no record of, so clients
    /// recover at once after the server lost state. When false it stays silent on clients it does not know (RFC 2131 §4.3.2).
    /// </summary>
    public bool Authoritative { get; init; } = true;

    /// <summary>Messages per second one client MAC may send before the rest are dropped (0: no limit).</summary>
    public int RateLimit { get; init; } = 20;

    /// <summary>
    /// Whether a message that did not come through a relay must carry its sender's Ethernet address as chaddr (what
    /// switches call DHCP snooping's MAC check). One host asking for many chaddrs (perfdhcp, a starvation attack) then
    /// gets no address at all, instead of draining the pool. Relayed messages (giaddr set) are the relay's business.
    /// </summary>
    public bool VerifyMac { get; init; } = true;

    /// <summary>
    /// Most clients (chaddrs) one Ethernet source may ask for within a lease time (0: no limit). Relays of the
    /// <c>subnets:</c> entries are not held to it; a "relay" on the server's own segment (perfdhcp) is.
    /// </summary>
    public int ClientsPerSource { get; init; } = 8;
}

using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router;

/// <summary>
/// One interface of a router: a port with a MAC, IPv4 and IPv6 addresses and an MTU. Every interface also has an IPv6
/// link-local address made from its MAC (<see cref="LinkLocal"/>), and may send router advertisements.
/// </summary>
public sealed record RouterInterface
{
    /// <summary>Default of <see cref="Mtu"/>.</summary>
    public const int DefaultMtu = 1500;

    /// <summary>Smallest MTU (RFC 791: every host must take 68-byte datagrams).</summary>
    public const int MinMtu = 68;

    /// <summary>Largest MTU.</summary>
    public const int MaxMtu = 65535;

    /// <summary>The interface's name, as written after the dot in a link (<c>gw.lan</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Its IPv4 addresses with prefix lengths; the first is the primary (source of ICMP errors and ARP requests).</summary>
    public IReadOnlyList<Ipv4Prefix> Addresses { get; init; } = [];

    /// <summary>Its IPv6 addresses with prefix lengths, besides the link-local one (which may be listed too, replacing the derived one).</summary>
    public IReadOnlyList<Ipv6Prefix> Ipv6Addresses { get; init; } = [];

    /// <summary>Its router advertisements; null: it sends none (and answers no solicitation).</summary>
    public RouterAdvertisements? Advertisements { get; init; }

    /// <summary>The link-local address: the first <c>fe80::/10</c> one listed, else the EUI-64 one of <see cref="Mac"/>.</summary>
    public Ipv6Address LinkLocal =>
        Ipv6Addresses.Select(a => a.Address).Where(a => a.IsLinkLocal).DefaultIfEmpty(Ipv6Address.LinkLocal(Mac)).First();

    /// <summary>The largest IP datagram sent out of it (IPv6 needs at least 1280).</summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>Its MAC address.</summary>
    public MacAddress Mac { get; init; }

    /// <summary>
    /// The IPv4 features this interface runs (<c>features: [NAME, ...]</c>, functions of the topology such as a NAT, which
    /// makes the interface its outside), in the order they see packets, each with where it was written.
    /// </summary>
    public IReadOnlyList<(string Name, SourceSpan Span)> Features { get; init; } = [];

    /// <summary>Where it was declared.</summary>
    public SourceSpan Span { get; init; }

    /// <summary>
    /// The stable default MAC of interface <paramref name="interfaceName"/> of router <paramref name="routerName"/>:
    /// 02 (locally administered, unicast) then 40 bits of an FNV-1a hash of "router/interface", so it survives restarts.
    /// </summary>
    public static MacAddress DefaultMac(string routerName, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(routerName);
        ArgumentNullException.ThrowIfNull(interfaceName);
        return MacAddress.FromName(routerName + "/" + interfaceName);
    }
}

using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Ip.Features;

/// <summary>Where an <see cref="IIpv4Feature"/> is placed: told once, by the router that runs it, before any packet.</summary>
/// <param name="Router">The router's name in the topology.</param>
/// <param name="Interface">The port (interface) index the feature is attached to (<see cref="Ipv4HookContext.Interface"/>).</param>
/// <param name="InterfaceName">The interface's name (<c>wan</c>).</param>
/// <param name="Addresses">The interface's addresses; the first is its primary (a NAT's default external address).</param>
/// <param name="LocalAddresses">Every address of the router, all interfaces: traffic to them is the router's own.</param>
public sealed record Ipv4FeatureAttachment(string Router, int Interface, string InterfaceName, IReadOnlyList<Ipv4Prefix> Addresses,
    IReadOnlyList<Ipv4Address> LocalAddresses)
{
    /// <summary>
    /// The router's connection tracking, shared by all its features (<see cref="IIpv4Feature.TrackedConnections"/>);
    /// null when none of them tracks connections, or when the feature runs without a router (a test).
    /// </summary>
    public ConnectionTracker? Connections { get; init; }
}

using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Topology;

/// <summary>
/// A lab host: a network namespace named <see cref="Name"/> whose <c>eth0</c> is the TAP device of
/// an external port.
/// </summary>
/// <param name="Name">The host's name, which is also its network namespace's name.</param>
/// <param name="PortIndex">The index into <see cref="ResolvedTopology.Ports"/> of the port whose TAP the host gets.</param>
/// <param name="Address">The host's address and prefix length (<c>10.0.0.1/24</c>), or null when it takes one from DHCP (<see cref="Dhcp"/>).</param>
/// <param name="Gateway">The host's default gateway, inside its subnet, or null for none (always null with DHCP: the lease brings it).</param>
/// <param name="Span">Where the host is declared (its name).</param>
/// <param name="Dhcp">The DHCP client the host runs (<c>address: dhcp</c>), or null for a static address.</param>
public sealed record ResolvedHost(string Name, int PortIndex, Ipv4Prefix? Address, Ipv4Address? Gateway, SourceSpan Span, DhcpClientKind? Dhcp = null)
{
    /// <summary>The MAC its <c>eth0</c> gets (<c>mac:</c>, for DHCP reservations), or null for the kernel's random one.</summary>
    public MacAddress? Mac { get; init; }
}

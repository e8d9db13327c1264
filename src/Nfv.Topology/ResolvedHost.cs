using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Topology;

/// <summary>
/// A lab host: a network namespace named <see cref="Name"/> whose <c>eth0</c> is the TAP device of
/// an external port; or, with <see cref="Vm"/>, a QEMU guest whose NIC is a socket port.
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

    /// <summary>Static IPv6 addresses of its <c>eth0</c>, with prefix lengths.</summary>
    public IReadOnlyList<Ipv6Prefix> Ipv6Addresses { get; init; } = [];

    /// <summary>True when it configures an IPv6 address and default route from router advertisements (<c>address: slaac</c>, RFC 4862).</summary>
    public bool Slaac { get; init; }

    /// <summary>Its IPv6 default gateway (global inside one of its subnets, or link-local), or null for none.</summary>
    public Ipv6Address? Ipv6Gateway { get; init; }

    /// <inheritdoc/>
    /// <remarks>Value equality, the IPv6 addresses compared item by item (a record would compare the list's reference).</remarks>
    public bool Equals(ResolvedHost? other) =>
        other is not null && Name == other.Name && PortIndex == other.PortIndex && Address == other.Address && Gateway == other.Gateway &&
        Span == other.Span && Dhcp == other.Dhcp && Mac == other.Mac && Ipv6Addresses.SequenceEqual(other.Ipv6Addresses) &&
        Slaac == other.Slaac && Ipv6Gateway == other.Ipv6Gateway && Limits == other.Limits && Exec.SequenceEqual(other.Exec) && Vm == other.Vm;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, PortIndex, Address, Dhcp, Ipv6Addresses.Count, Slaac);

    /// <summary>Limits on what nfv runs in it (<c>cpu</c>, <c>memory</c>, <c>pids</c>); null for none.</summary>
    public HostLimits? Limits { get; init; }

    /// <summary>Commands run in it once it is up (<c>exec:</c>), each by <c>/bin/sh -c</c>, ended when nfv stops (a VM's by its init).</summary>
    public IReadOnlyList<string> Exec { get; init; } = [];

    /// <summary>The guest it is (<c>vm:</c>), or null for a network namespace.</summary>
    public VmSettings? Vm { get; init; }

    /// <summary>True when it has no IPv4 address at all (neither static nor DHCP): an IPv6-only host.</summary>
    public bool Ipv6Only => Address is null && Dhcp is null;

    /// <summary>What its <c>address</c> says, as a user wrote it: <c>10.0.0.2/24, 2001:db8::2/64</c>, <c>dhcp, slaac</c>.</summary>
    public string Addressing => string.Join(", ", new[] { Address?.ToString() ?? (Dhcp is null ? null : "dhcp"), Ipv6Addressing }.Where(s => s is { Length: > 0 }));

    /// <summary>The IPv6 part of <see cref="Addressing"/> (<c>2001:db8::2/64, slaac</c>); empty for an IPv4-only host.</summary>
    public string Ipv6Addressing => string.Join(", ", Ipv6Addresses.Select(a => a.ToString()).Append(Slaac ? "slaac" : null).OfType<string>());

    /// <summary>Its gateways as written (<c>10.0.0.1, 2001:db8::1</c>); null for none.</summary>
    public string? Gateways => Gateway is null && Ipv6Gateway is null ? null
        : string.Join(", ", new[] { Gateway?.ToString(), Ipv6Gateway?.ToString() }.OfType<string>());
}

/// <summary>
/// Resource limits of a lab host's processes (a cgroup): CPU in cores (<c>cpu: 0.5</c>), memory in bytes
/// (<c>memory: 128M</c>) and a number of processes (<c>pids: 100</c>); null for no limit of that kind.
/// </summary>
public sealed record HostLimits(double? Cpus, long? MemoryBytes, int? Pids);

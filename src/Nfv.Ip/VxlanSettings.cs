using System.Globalization;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// A VXLAN tunnel (RFC 7348) as a topology's port describes it and the dataplane opens it: the VNI, the remote tunnel
/// endpoints (several: head-end replication), the UDP port, and the outer header's source address, TTL and TOS.
/// </summary>
/// <param name="Remotes">The remote endpoints' underlay addresses.</param>
/// <param name="Vni">The VXLAN network identifier, 0 to 16,777,215.</param>
public sealed record VxlanSettings(IReadOnlyList<Ipv4Address> Remotes, uint Vni)
{
    /// <summary>The largest VNI (24 bits).</summary>
    public const uint MaxVni = 0xFF_FFFF;

    /// <summary>IANA's VXLAN port.</summary>
    public const ushort DefaultPort = 4789;

    /// <summary>The UDP port datagrams are sent to and received on; IANA's 4789 unless said.</summary>
    public ushort Port { get; init; } = DefaultPort;

    /// <summary>The local underlay address to receive on and send from; any of the machine's when null.</summary>
    public Ipv4Address? Local { get; init; }

    /// <summary>The outer header's TTL.</summary>
    public int Ttl { get; init; } = 64;

    /// <summary>The outer header's TOS byte.</summary>
    public int Tos { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"vni {Vni.ToString(CultureInfo.InvariantCulture)} to {string.Join(", ", Remotes)} port {Port.ToString(CultureInfo.InvariantCulture)}" +
        (Local is { } local ? $" from {local}" : "");
}

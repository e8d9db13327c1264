using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Topology;

/// <summary>An external port: where frames enter and leave the topology. A TAP device, a VXLAN tunnel, or a datagram socket.</summary>
/// <param name="Name">The port's name in the file.</param>
/// <param name="TapName">The Linux interface name of the TAP device (1 to 15 characters); null for a tunnel or a socket.</param>
/// <param name="Span">Where the port is declared (its name).</param>
public sealed record ResolvedExternalPort(string Name, string? TapName, SourceSpan Span)
{
    /// <summary>The tunnel a <c>vxlan:</c> port opens; null for a TAP.</summary>
    public VxlanSettings? Vxlan { get; init; }

    /// <summary>The path of the AF_UNIX datagram socket a <c>socket:</c> port binds (a VM host's NIC attaches there); null otherwise.</summary>
    public string? SocketPath { get; init; }

    /// <summary>The node it is on, in a topology split over machines (<c>node:</c>); null otherwise.</summary>
    public string? Node { get; init; }

    /// <summary>What the port is, for people: <c>tap nfv-up</c>, <c>vxlan vni 100 to 10.0.0.2 port 4789</c>, <c>socket /run/nfv/vm1.sock</c>.</summary>
    public string Describe() => Vxlan is { } tunnel ? $"vxlan {tunnel}" : SocketPath is { } path ? $"socket {path}" : $"tap {TapName}";
}

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>
/// A static port forward (DNAT): outside packets to <see cref="External"/>:<see cref="Port"/> go to
/// <see cref="To"/>:<see cref="ToPort"/>, and that inside endpoint's own traffic leaves from the forwarded port.
/// </summary>
public sealed record NatForward
{
    /// <summary>TCP or UDP (<see cref="Ipv4Header.ProtocolTcp"/>, <see cref="Ipv4Header.ProtocolUdp"/>).</summary>
    public required byte Protocol { get; init; }

    /// <summary>The external port.</summary>
    public required ushort Port { get; init; }

    /// <summary>The external address (<c>address:</c>); null for the NAT's first external address.</summary>
    public Ipv4Address? External { get; init; }

    /// <summary>The inside address.</summary>
    public required Ipv4Address To { get; init; }

    /// <summary>The inside port.</summary>
    public required ushort ToPort { get; init; }

    /// <summary>Where the forward is written.</summary>
    public SourceSpan Span { get; init; }

    /// <summary>The protocol's name: tcp or udp.</summary>
    public string ProtocolName => Protocol == Ipv4Header.ProtocolTcp ? "tcp" : "udp";
}

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>The configuration of one NAT: the <c>kind: nat</c> mapping of a topology file.</summary>
/// <example>
/// <code>
/// masq:
///   kind: nat
///   external: [203.0.113.2, 203.0.113.3]     # default: the address of the interface that names it
///   ports: 1024-65535
///   mapping: endpoint-independent           # or address-dependent, address-and-port-dependent
///   filtering: address-and-port-dependent   # or endpoint-independent, address-dependent
///   tcp-established: 2h4m
///   tcp-transitory: 4m
///   udp-timeout: 5m
///   icmp-timeout: 60s
///   max-sessions: 65536
///   max-sessions-per-host: 4096
///   forwards:
///     - { protocol: tcp, port: 8080, to: "192.168.10.100:80" }
/// </code>
/// </example>
public sealed record NatOptions
{
    /// <summary>RFC 5382 REQ-5: the established TCP idle timeout is at least 2 h 4 min.</summary>
    public static readonly TimeSpan MinTcpEstablished = TimeSpan.FromMinutes(124);

    /// <summary>RFC 5382 REQ-5: the transitory TCP idle timeout is at least 4 min.</summary>
    public static readonly TimeSpan MinTcpTransitory = TimeSpan.FromMinutes(4);

    /// <summary>RFC 4787 REQ-5: a UDP mapping lives at least 2 min.</summary>
    public static readonly TimeSpan MinUdp = TimeSpan.FromMinutes(2);

    /// <summary>RFC 5508 REQ-1: an ICMP query mapping lives at least 60 s.</summary>
    public static readonly TimeSpan MinIcmp = TimeSpan.FromSeconds(60);

    /// <summary>External addresses; empty for the primary address of the interface that names the NAT.</summary>
    public IReadOnlyList<Ipv4Address> External { get; init; } = [];

    /// <summary>Where each of <see cref="External"/> is written (for placement errors).</summary>
    public IReadOnlyList<SourceSpan> ExternalSpans { get; init; } = [];

    /// <summary>Lowest external port (or ICMP identifier) a new mapping gets.</summary>
    public int PortMin { get; init; } = 1024;

    /// <summary>Highest external port (or ICMP identifier) a new mapping gets.</summary>
    public int PortMax { get; init; } = 65535;

    /// <summary>When an inside endpoint gets another external endpoint.</summary>
    public NatMapping Mapping { get; init; } = NatMapping.EndpointIndependent;

    /// <summary>Which outside packets a mapping lets in.</summary>
    public NatFiltering Filtering { get; init; } = NatFiltering.AddressAndPortDependent;

    /// <summary>Idle timeout of a TCP session both sides have spoken on, without FIN from both or RST.</summary>
    public TimeSpan TcpEstablished { get; init; } = MinTcpEstablished;

    /// <summary>Idle timeout of a TCP session being opened or closed (RST, FIN both ways).</summary>
    public TimeSpan TcpTransitory { get; init; } = MinTcpTransitory;

    /// <summary>Idle timeout of a UDP session, refreshed by outbound traffic (RFC 4787 REQ-6).</summary>
    public TimeSpan Udp { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Idle timeout of an ICMP echo session, refreshed by outbound echo requests.</summary>
    public TimeSpan Icmp { get; init; } = MinIcmp;

    /// <summary>Most sessions in all; at the bound, new flows are dropped and counted.</summary>
    public int MaxSessions { get; init; } = 65536;

    /// <summary>Most sessions of one inside host.</summary>
    public int MaxSessionsPerHost { get; init; } = 4096;

    /// <summary>New sessions a second in all (bursts of twice that); 0 for no limit.</summary>
    public int NewSessionsPerSecond { get; init; } = 20_000;

    /// <summary>New sessions a second of one source, inside host or remote (bursts of twice that); 0 for no limit.</summary>
    public int NewSessionsPerSecondPerSource { get; init; } = 2_000;

    /// <summary>Static port forwards.</summary>
    public IReadOnlyList<NatForward> Forwards { get; init; } = [];
}

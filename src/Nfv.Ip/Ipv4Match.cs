using System.Runtime.CompilerServices;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>
/// What a firewall rule, a policer class or a chain's classifier matches on an IPv4 packet, as written: every field
/// given must match, a field left out matches anything. Ports apply to TCP and UDP, the ICMP type to ICMP.
/// </summary>
public sealed record Ipv4Match
{
    /// <summary>The keys a match is written with, for a caller's <see cref="ConfigReader.CheckKeys"/>.</summary>
    public static readonly string[] Keys = ["protocol", "src", "dst", "src-port", "dst-port", "icmp-type", "dscp", "vlan"];

    /// <summary>Matches every packet.</summary>
    public static readonly Ipv4Match Any = new();

    /// <summary>The IP protocol number, or null for any.</summary>
    public byte? Protocol { get; init; }

    /// <summary>The source prefix, or null for any.</summary>
    public Ipv4Prefix? Source { get; init; }

    /// <summary>The destination prefix, or null for any.</summary>
    public Ipv4Prefix? Destination { get; init; }

    /// <summary>The source port range (TCP, UDP), inclusive, or null for any.</summary>
    public (ushort Min, ushort Max)? SourcePorts { get; init; }

    /// <summary>The destination port range (TCP, UDP), inclusive, or null for any.</summary>
    public (ushort Min, ushort Max)? DestinationPorts { get; init; }

    /// <summary>The ICMP type, or null for any.</summary>
    public byte? IcmpType { get; init; }

    /// <summary>The DSCP (0-63), or null for any.</summary>
    public byte? Dscp { get; init; }

    /// <summary>The 802.1Q VLAN id; 0 for untagged frames only; null for any.</summary>
    public int? Vlan { get; init; }

    /// <summary>The match as <c>nfv show</c> prints it (<c>vlan 10 tcp dst 192.0.2.0/24 dst-port 80</c>), <c>any</c> when empty.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Vlan is { } vlan)
        {
            parts.Add(vlan == 0 ? "untagged" : $"vlan {vlan}");
        }
        if (Protocol is { } protocol)
        {
            parts.Add(ProtocolName(protocol) ?? $"protocol {protocol}");
        }
        if (Dscp is { } dscp)
        {
            parts.Add($"dscp {dscp}");
        }
        if (Source is { } source)
        {
            parts.Add($"src {source}");
        }
        if (Destination is { } destination)
        {
            parts.Add($"dst {destination}");
        }
        if (SourcePorts is { } sp)
        {
            parts.Add(sp.Min == sp.Max ? $"src-port {sp.Min}" : $"src-port {sp.Min}-{sp.Max}");
        }
        if (DestinationPorts is { } dp)
        {
            parts.Add(dp.Min == dp.Max ? $"dst-port {dp.Min}" : $"dst-port {dp.Min}-{dp.Max}");
        }
        if (IcmpType is { } type)
        {
            parts.Add(IcmpTypes.FirstOrDefault(t => t.Value == type).Key ?? $"icmp-type {type}");
        }
        return parts.Count == 0 ? "any" : string.Join(' ', parts);
    }

    internal static readonly Dictionary<string, byte> Protocols = new(StringComparer.Ordinal)
    {
        ["icmp"] = Ipv4Header.ProtocolIcmp, ["tcp"] = Ipv4Header.ProtocolTcp, ["udp"] = Ipv4Header.ProtocolUdp,
    };

    internal static readonly Dictionary<string, byte> IcmpTypes = new(StringComparer.Ordinal)
    {
        ["echo-reply"] = 0, ["destination-unreachable"] = 3, ["source-quench"] = 4, ["redirect"] = 5, ["echo-request"] = 8,
        ["router-advertisement"] = 9, ["router-solicitation"] = 10, ["time-exceeded"] = 11, ["parameter-problem"] = 12,
        ["timestamp-request"] = 13, ["timestamp-reply"] = 14,
    };

    private static string? ProtocolName(byte protocol) => Protocols.FirstOrDefault(p => p.Value == protocol).Key;
}

/// <summary>
/// An <see cref="Ipv4Match"/> as the packet path reads it: every field one or two compares, "any" as the widest range,
/// so a rule list is a loop over plain structs.
/// </summary>
public readonly struct Ipv4Matcher
{
    private readonly uint _source, _sourceMask, _destination, _destinationMask;
    private readonly ushort _sourcePortMin, _destinationPortMin;
    private readonly uint _sourcePortSpan, _destinationPortSpan;
    private readonly int _protocol, _icmpType, _dscp, _vlan;

    /// <summary>Compiles <paramref name="match"/>.</summary>
    public Ipv4Matcher(Ipv4Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        _protocol = match.Protocol is { } p ? p : -1;
        _icmpType = match.IcmpType is { } t ? t : -1;
        _dscp = match.Dscp is { } d ? d : -1;
        _vlan = match.Vlan ?? -1;
        (_sourceMask, _source) = match.Source is { } s ? (s.Mask, s.Address.Value & s.Mask) : (0u, 0u);
        (_destinationMask, _destination) = match.Destination is { } dst ? (dst.Mask, dst.Address.Value & dst.Mask) : (0u, 0u);
        var sp = match.SourcePorts ?? ((ushort)0, ushort.MaxValue);
        var dp = match.DestinationPorts ?? ((ushort)0, ushort.MaxValue);
        (_sourcePortMin, _sourcePortSpan) = (sp.Min, (uint)(sp.Max - sp.Min));
        (_destinationPortMin, _destinationPortSpan) = (dp.Min, (uint)(dp.Max - dp.Min));
    }

    /// <summary>The index of the first of <paramref name="matchers"/> that <paramref name="packet"/> matches, or -1.</summary>
    public static int First(ReadOnlySpan<Ipv4Matcher> matchers, in Ipv4Fields packet)
    {
        for (int i = 0; i < matchers.Length; i++)
        {
            if (matchers[i].Matches(packet))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>True when every field the match names has the packet's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Matches(in Ipv4Fields packet) =>
        Matches(packet.Source, packet.Destination, packet.Protocol, packet.SourcePort, packet.DestinationPort, packet.Vlan, packet.IcmpType, packet.Dscp);

    /// <summary>
    /// The same, on values a loop over many matchers keeps in registers (read once from <see cref="Ipv4Fields"/>): a rule
    /// list then costs a few compares a rule.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Matches(uint source, uint destination, byte protocol, ushort sourcePort, ushort destinationPort, int vlan, int icmpType, byte dscp) =>
        (source & _sourceMask) == _source &&
        (destination & _destinationMask) == _destination &&
        (_protocol < 0 || _protocol == protocol) &&
        (uint)(sourcePort - _sourcePortMin) <= _sourcePortSpan &&
        (uint)(destinationPort - _destinationPortMin) <= _destinationPortSpan &&
        (_vlan < 0 || _vlan == vlan) &&
        (_icmpType < 0 || _icmpType == icmpType) &&
        (_dscp < 0 || _dscp == dscp);
}

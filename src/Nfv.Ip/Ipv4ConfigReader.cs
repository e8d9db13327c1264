using System.Globalization;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>Reads IPv4 addresses, prefixes and packet matches from a topology file, reporting a bad one with its line and column.</summary>
public static class Ipv4ConfigReader
{
    /// <summary>An IPv4 address with prefix length (<c>10.0.0.1/24</c>), or null after reporting.</summary>
    public static Ipv4Prefix? InterfaceAddress(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address with a prefix length such as 10.0.0.1/24, not '{scalar.Value}'");
            return null;
        }
        return prefix;
    }

    /// <summary>An IPv4 address, or null after reporting.</summary>
    public static Ipv4Address? Address(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Address.TryParse(scalar.Value, out var address))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address such as 10.0.0.1, not '{scalar.Value}'");
            return null;
        }
        return address;
    }


    /// <summary>An IPv4 prefix with its length (<c>10.1.0.0/24</c>), as its network, or null after reporting.</summary>
    public static Ipv4Prefix? Prefix(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 prefix such as 10.1.0.0/24, not '{scalar.Value}'");
            return null;
        }
        return prefix.Network;
    }

    /// <summary>
    /// Reads the match keys of <paramref name="map"/> (<see cref="Ipv4Match.Keys"/>; the caller checks for others): a
    /// match, or null after reporting every problem. A key left out matches anything.
    /// </summary>
    public static Ipv4Match? Match(this ConfigReader reader, ConfigMapping map, string what)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(map);
        int errors = reader.Diagnostics.Items.Count;
        var match = new Ipv4Match();
        if (map["vlan"] is { } vlanNode)
        {
            if (vlanNode is ConfigScalar { Value: "untagged" })
            {
                match = match with { Vlan = 0 };
            }
            else if (reader.Vlan(vlanNode, $"'vlan' of {what} (or 'untagged')") is { } vlan)
            {
                match = match with { Vlan = vlan };
            }
        }
        if (map["protocol"] is { } protocolNode && reader.AsScalar(protocolNode, $"'protocol' of {what}") is { } protocol && protocol.Value != "any")
        {
            if (Ipv4Match.Protocols.TryGetValue(protocol.Value, out var known) ||
                byte.TryParse(protocol.Value, NumberStyles.None, CultureInfo.InvariantCulture, out known))
            {
                match = match with { Protocol = known };
            }
            else
            {
                reader.Diagnostics.Error(DiagnosticCodes.BadMatch, protocol.Span,
                    $"'protocol' of {what} is '{protocol.Value}'; it must be tcp, udp, icmp, any or a protocol number from 0 to 255");
            }
        }
        if (map["dscp"] is { } dscpNode && reader.Int(dscpNode, $"'dscp' of {what}", 0, 63) is { } dscp)
        {
            match = match with { Dscp = (byte)dscp };
        }
        if (map["src"] is { } srcNode && AddressOrPrefix(reader, srcNode, $"'src' of {what}") is { } source)
        {
            match = match with { Source = source };
        }
        if (map["dst"] is { } dstNode && AddressOrPrefix(reader, dstNode, $"'dst' of {what}") is { } destination)
        {
            match = match with { Destination = destination };
        }
        bool ports = match.Protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp;
        foreach (var key in (ReadOnlySpan<string>)["src-port", "dst-port"])
        {
            if (map[key] is not { } portNode)
            {
                continue;
            }
            if (!ports)
            {
                reader.Diagnostics.Error(DiagnosticCodes.MatchNeedsProtocol, map.KeyNode(key)!.Span, $"'{key}' of {what} needs 'protocol: tcp' or 'protocol: udp'");
            }
            else if (PortRange(reader, portNode, $"'{key}' of {what}") is { } range)
            {
                match = key == "src-port" ? match with { SourcePorts = range } : match with { DestinationPorts = range };
            }
        }
        if (map["icmp-type"] is { } typeNode)
        {
            if (match.Protocol != Ipv4Header.ProtocolIcmp)
            {
                reader.Diagnostics.Error(DiagnosticCodes.MatchNeedsProtocol, map.KeyNode("icmp-type")!.Span, $"'icmp-type' of {what} needs 'protocol: icmp'");
            }
            else if (reader.AsScalar(typeNode, $"'icmp-type' of {what}") is { } type)
            {
                if (Ipv4Match.IcmpTypes.TryGetValue(type.Value, out var known) ||
                    byte.TryParse(type.Value, NumberStyles.None, CultureInfo.InvariantCulture, out known))
                {
                    match = match with { IcmpType = known };
                }
                else
                {
                    reader.Diagnostics.Error(DiagnosticCodes.BadMatch, type.Span,
                        $"'icmp-type' of {what} is '{type.Value}'; it must be a number from 0 to 255 or one of: {string.Join(", ", Ipv4Match.IcmpTypes.Keys)}");
                }
            }
        }
        return reader.Diagnostics.Items.Skip(errors).Any(d => d.Severity == DiagnosticSeverity.Error) ? null : match;
    }

    /// <summary>A prefix (10.0.0.0/8) or one address (10.0.0.5, a /32), or null after reporting.</summary>
    public static Ipv4Prefix? AddressOrPrefix(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (Ipv4Prefix.TryParse(scalar.Value, out var prefix))
        {
            return prefix.Network;
        }
        reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address or prefix such as 10.1.0.0/24, not '{scalar.Value}'");
        return null;
    }

    private static (ushort Min, ushort Max)? PortRange(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        var parts = scalar.Value.Split('-');
        if (parts.Length is 1 or 2 &&
            ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min) &&
            ushort.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var max) && min <= max)
        {
            return (min, max);
        }
        reader.Diagnostics.Error(DiagnosticCodes.BadMatch, node.Span, $"{what} is '{scalar.Value}'; write a port (80) or a range (5000-5100) from 0 to 65535");
        return null;
    }
}

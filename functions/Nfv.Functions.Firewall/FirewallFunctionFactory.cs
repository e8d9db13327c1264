using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

[assembly: NetworkFunction(typeof(Nfv.Functions.Firewall.FirewallFunctionFactory))]

namespace Nfv.Functions.Firewall;

/// <summary>
/// Makes firewalls (<c>kind: firewall</c>): reads and checks their rules, reporting every problem with its line and
/// column; never throws for bad input.
/// </summary>
public sealed class FirewallFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys =
        ["kind", "rules", "default", "non-ip", "max-connections", "tcp-established", "tcp-transitory", "udp-timeout", "icmp-timeout"];
    private static readonly string[] s_ruleKeys = ["action", "from", "protocol", "src", "dst", "src-port", "dst-port", "icmp-type", "vlan"];
    private static readonly Dictionary<string, byte> s_protocols = new(StringComparer.Ordinal)
    {
        ["icmp"] = Ipv4Header.ProtocolIcmp, ["tcp"] = Ipv4Header.ProtocolTcp, ["udp"] = Ipv4Header.ProtocolUdp,
    };
    private static readonly Dictionary<string, byte> s_icmpTypes = new(StringComparer.Ordinal)
    {
        ["echo-reply"] = 0, ["destination-unreachable"] = 3, ["source-quench"] = 4, ["redirect"] = 5, ["echo-request"] = 8,
        ["router-advertisement"] = 9, ["router-solicitation"] = 10, ["time-exceeded"] = 11, ["parameter-problem"] = 12,
        ["timestamp-request"] = 13, ["timestamp-reply"] = 14,
    };

    /// <summary>Most connections a firewall may be configured to track.</summary>
    public const int MaxConnectionsBound = 4 << 20;

    /// <inheritdoc/>
    public string Kind => "firewall";

    /// <inheritdoc/>
    public string Summary => "stateful firewall between ports inside and outside: ordered rules, connection tracking, counters per rule";

    /// <inheritdoc/>
    /// <remarks>The next range after the built-in four (<see cref="FirewallDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV15";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"firewall '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);
        var options = new FirewallOptions();
        var day = TimeSpan.FromDays(1);

        if (config["rules"] is { } rulesNode && reader.AsSequence(rulesNode, $"'rules' of {where}") is { } rules)
        {
            var read = new List<FirewallRule>();
            foreach (var item in rules.Items)
            {
                if (ReadRule(reader, item, $"rule {read.Count + 1} of {where}") is { } rule)
                {
                    read.Add(rule);
                }
            }
            options = options with { Rules = read };
        }
        if (config["default"] is { } defaultNode && Choice(reader, defaultNode, $"'default' of {where}", s_actions) is { } policy)
        {
            options = options with { Default = policy };
        }
        if (config["non-ip"] is { } nonIpNode && Choice(reader, nonIpNode, $"'non-ip' of {where}", s_actions) is { } nonIp)
        {
            options = options with { NonIp = nonIp };
        }
        if (config["max-connections"] is { } max && reader.Int(max, $"'max-connections' of {where}", 1, MaxConnectionsBound) is { } m)
        {
            options = options with { MaxConnections = m };
        }
        if (config["tcp-established"] is { } est && reader.Duration(est, $"'tcp-established' of {where}", FirewallOptions.MinTimeout, day) is { } e)
        {
            options = options with { TcpEstablished = e };
        }
        if (config["tcp-transitory"] is { } tra && reader.Duration(tra, $"'tcp-transitory' of {where}", FirewallOptions.MinTimeout, day) is { } t)
        {
            options = options with { TcpTransitory = t };
        }
        if (config["udp-timeout"] is { } udp && reader.Duration(udp, $"'udp-timeout' of {where}", FirewallOptions.MinTimeout, day) is { } u)
        {
            options = options with { UdpTimeout = u };
        }
        if (config["icmp-timeout"] is { } icmp && reader.Duration(icmp, $"'icmp-timeout' of {where}", FirewallOptions.MinTimeout, day) is { } i)
        {
            options = options with { IcmpTimeout = i };
        }
        return context.Diagnostics.HasErrors ? null : new FirewallBlueprint(context.Name, options);
    }

    private static readonly Dictionary<string, FirewallAction> s_actions = new(StringComparer.Ordinal)
    {
        ["allow"] = FirewallAction.Allow, ["deny"] = FirewallAction.Deny,
    };

    private static readonly Dictionary<string, FirewallSide> s_sides = new(StringComparer.Ordinal)
    {
        ["any"] = FirewallSide.Any, ["inside"] = FirewallSide.Inside, ["outside"] = FirewallSide.Outside,
    };

    private static FirewallRule? ReadRule(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsMapping(node, what) is not { } map)
        {
            return null;
        }
        int errors = reader.Diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        reader.CheckKeys(map, what, s_ruleKeys);
        var action = reader.Required(map, "action", what) is { } actionNode ? Choice(reader, actionNode, $"'action' of {what}", s_actions) : null;
        var text = new List<string>();
        var rule = new FirewallRule(action ?? FirewallAction.Deny, "", map.Span);

        if (map["from"] is { } fromNode && Choice(reader, fromNode, $"'from' of {what}", s_sides) is { } side)
        {
            rule = rule with { From = side };
            text.Add(side == FirewallSide.Any ? "" : $"from {fromNode}");
        }
        if (map["vlan"] is { } vlanNode)
        {
            if (vlanNode is ConfigScalar { Value: "untagged" })
            {
                rule = rule with { Vlan = 0 };
                text.Add("untagged");
            }
            else if (reader.Vlan(vlanNode, $"'vlan' of {what} (or 'untagged')") is { } vlan)
            {
                rule = rule with { Vlan = vlan };
                text.Add($"vlan {vlan}");
            }
        }
        if (map["protocol"] is { } protocolNode && Protocol(reader, protocolNode, $"'protocol' of {what}") is var (protocol, protocolText))
        {
            rule = rule with { Protocol = protocol };
            text.Add(protocolText);
        }
        if (map["src"] is { } srcNode && Prefix(reader, srcNode, $"'src' of {what}") is { } src)
        {
            rule = rule with { Source = (src.Network.Address.Value, src.Mask) };
            text.Add($"src {src.Network}");
        }
        if (map["dst"] is { } dstNode && Prefix(reader, dstNode, $"'dst' of {what}") is { } dst)
        {
            rule = rule with { Destination = (dst.Network.Address.Value, dst.Mask) };
            text.Add($"dst {dst.Network}");
        }
        bool ports = rule.Protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp;
        foreach (var (key, isSource) in new[] { ("src-port", true), ("dst-port", false) })
        {
            if (map[key] is not { } portNode)
            {
                continue;
            }
            if (!ports)
            {
                reader.Diagnostics.Error(FirewallDiagnosticCodes.MatchNeedsProtocol, map.KeyNode(key)!.Span,
                    $"'{key}' of {what} needs 'protocol: tcp' or 'protocol: udp'");
            }
            else if (PortRange(reader, portNode, $"'{key}' of {what}") is { } range)
            {
                rule = isSource ? rule with { SourcePorts = range } : rule with { DestinationPorts = range };
                text.Add(range.Min == range.Max ? $"{key} {range.Min}" : $"{key} {range.Min}-{range.Max}");
            }
        }
        if (map["icmp-type"] is { } typeNode)
        {
            if (rule.Protocol != Ipv4Header.ProtocolIcmp)
            {
                reader.Diagnostics.Error(FirewallDiagnosticCodes.MatchNeedsProtocol, map.KeyNode("icmp-type")!.Span,
                    $"'icmp-type' of {what} needs 'protocol: icmp'");
            }
            else if (IcmpType(reader, typeNode, $"'icmp-type' of {what}") is var (type, typeText))
            {
                rule = rule with { IcmpType = type };
                text.Add(typeText);
            }
        }
        bool failed = reader.Diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > errors;
        var written = string.Join(' ', text.Where(t => t.Length > 0));
        return failed ? null : rule with { Text = written.Length == 0 ? "any" : written };
    }

    /// <summary>A prefix (10.0.0.0/8) or one address (10.0.0.5, a /32).</summary>
    private static Ipv4Prefix? Prefix(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (Ipv4Prefix.TryParse(scalar.Value, out var prefix))
        {
            return prefix;
        }
        reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address or prefix such as 10.1.0.0/24, not '{scalar.Value}'");
        return null;
    }

    private static T? Choice<T>(ConfigReader reader, ConfigNode node, string what, Dictionary<string, T> words) where T : struct
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (words.TryGetValue(scalar.Value, out var value))
        {
            return value;
        }
        reader.Diagnostics.Error(FirewallDiagnosticCodes.BadChoice, node.Span, $"{what} is '{scalar.Value}'; it must be one of: {string.Join(", ", words.Keys)}");
        return null;
    }

    private static (byte? Protocol, string Text)? Protocol(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (scalar.Value == "any")
        {
            return (null, "");
        }
        if (s_protocols.TryGetValue(scalar.Value, out var known))
        {
            return (known, scalar.Value);
        }
        if (byte.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var name = s_protocols.FirstOrDefault(p => p.Value == number).Key;
            return (number, name ?? $"protocol {number}");
        }
        reader.Diagnostics.Error(FirewallDiagnosticCodes.BadChoice, node.Span,
            $"{what} is '{scalar.Value}'; it must be tcp, udp, icmp, any or a protocol number from 0 to 255");
        return null;
    }

    private static (byte Type, string Text)? IcmpType(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (s_icmpTypes.TryGetValue(scalar.Value, out var known))
        {
            return (known, scalar.Value);
        }
        if (byte.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (number, s_icmpTypes.FirstOrDefault(t => t.Value == number).Key ?? $"icmp-type {number}");
        }
        reader.Diagnostics.Error(FirewallDiagnosticCodes.BadChoice, node.Span,
            $"{what} is '{scalar.Value}'; it must be a number from 0 to 255 or one of: {string.Join(", ", s_icmpTypes.Keys)}");
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
        reader.Diagnostics.Error(FirewallDiagnosticCodes.BadPortRange, node.Span,
            $"{what} is '{scalar.Value}'; write a port (80) or a range (5000-5100) from 0 to 65535");
        return null;
    }
}

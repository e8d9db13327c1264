using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;
using Nfv.Ip.Headers;

[assembly: NetworkFunction(typeof(Nfv.Functions.Nat.NatFunctionFactory))]

namespace Nfv.Functions.Nat;

/// <summary>
/// Makes NATs (<c>kind: nat</c>): reads and checks their configuration, reporting every problem with its line and column,
/// and never throws for bad input.
/// </summary>
public sealed class NatFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys =
    [
        "kind", "external", "ports", "mapping", "filtering", "tcp-established", "tcp-transitory", "udp-timeout", "icmp-timeout",
        "max-sessions", "max-sessions-per-host", "new-sessions-per-second", "new-sessions-per-second-per-source", "forwards",
    ];
    private static readonly string[] s_forwardKeys = ["protocol", "port", "to", "address"];
    private static readonly string[] s_modes = ["endpoint-independent", "address-dependent", "address-and-port-dependent"];

    /// <summary>Most sessions a NAT may be configured for.</summary>
    public const int MaxSessionsBound = 4 << 20;

    /// <inheritdoc/>
    public string Kind => "nat";

    /// <inheritdoc/>
    public string Summary => "NAPT44 on a router interface (features: [NAME]): mappings, filtering, hairpinning, ICMP errors, port forwards";

    /// <inheritdoc/>
    /// <remarks>The range the nat has always had (<see cref="NatDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV14";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new NatBlueprint(context.Name, ReadOptions(context.Name, context.Config, context.Diagnostics));
    }

    /// <summary>
    /// Reads nat <paramref name="name"/>'s settings, every problem to <paramref name="diagnostics"/> (what is wrong keeps
    /// its default): for its blueprint, and for a running NAT's new settings (<see cref="NatFunction.Reconfigure"/>).
    /// </summary>
    internal static NatOptions ReadOptions(string name, ConfigMapping config, DiagnosticBag diagnostics)
    {
        var reader = new ConfigReader(diagnostics);
        string where = $"nat '{name}'";
        reader.CheckKeys(config, where, s_keys);
        var options = new NatOptions();

        if (config["external"] is { } externalNode)
        {
            IReadOnlyList<ConfigNode> items = externalNode is ConfigSequence seq ? seq.Items : [externalNode];
            var externals = new List<Ipv4Address>();
            var spans = new List<SourceSpan>();
            foreach (var item in items)
            {
                if (reader.Address(item, $"'external' of {where}") is not { } address)
                {
                    continue;
                }
                if (externals.Contains(address))
                {
                    reader.Diagnostics.Error(NatDiagnosticCodes.BadExternal, item.Span, $"external address {address} of {where} is listed twice");
                    continue;
                }
                externals.Add(address);
                spans.Add(item.Span);
            }
            if (items.Count == 0)
            {
                reader.Diagnostics.Error(DiagnosticCodes.MissingKey, externalNode.Span,
                    $"'external' of {where} lists no address; remove it to use the interface's own address");
            }
            options = options with { External = externals, ExternalSpans = spans };
        }
        if (config["ports"] is { } portsNode && ReadRange(reader, portsNode, $"'ports' of {where}") is { } range)
        {
            options = options with { PortMin = range.Min, PortMax = range.Max };
        }
        if (config["mapping"] is { } mappingNode && ReadMode(reader, mappingNode, $"'mapping' of {where}") is { } mapping)
        {
            options = options with { Mapping = (NatMapping)mapping };
        }
        if (config["filtering"] is { } filteringNode && ReadMode(reader, filteringNode, $"'filtering' of {where}") is { } filtering)
        {
            options = options with { Filtering = (NatFiltering)filtering };
        }
        var day = TimeSpan.FromDays(7);
        if (config["tcp-established"] is { } est && reader.Duration(est, $"'tcp-established' of {where} (RFC 5382: at least 2h4m)", NatOptions.MinTcpEstablished, day) is { } e)
        {
            options = options with { TcpEstablished = e };
        }
        if (config["tcp-transitory"] is { } tra && reader.Duration(tra, $"'tcp-transitory' of {where} (RFC 5382: at least 4m)", NatOptions.MinTcpTransitory, day) is { } t)
        {
            options = options with { TcpTransitory = t };
        }
        if (config["udp-timeout"] is { } udp && reader.Duration(udp, $"'udp-timeout' of {where} (RFC 4787: at least 2m)", NatOptions.MinUdp, day) is { } u)
        {
            options = options with { Udp = u };
        }
        if (config["icmp-timeout"] is { } icmp && reader.Duration(icmp, $"'icmp-timeout' of {where} (RFC 5508: at least 60s)", NatOptions.MinIcmp, day) is { } i)
        {
            options = options with { Icmp = i };
        }
        if (config["max-sessions"] is { } max && reader.Int(max, $"'max-sessions' of {where}", 1, MaxSessionsBound) is { } m)
        {
            options = options with { MaxSessions = m };
        }
        var perHostNode = config["max-sessions-per-host"];
        if (perHostNode is not null && reader.Int(perHostNode, $"'max-sessions-per-host' of {where}", 1, MaxSessionsBound) is { } p)
        {
            options = options with { MaxSessionsPerHost = p };
            if (p > options.MaxSessions)
            {
                reader.Diagnostics.Error(NatDiagnosticCodes.BadLimit, perHostNode.Span,
                    $"'max-sessions-per-host' of {where} ({p}) is more than 'max-sessions' ({options.MaxSessions})");
            }
        }
        else if (perHostNode is null && options.MaxSessionsPerHost > options.MaxSessions)
        {
            options = options with { MaxSessionsPerHost = options.MaxSessions };
        }

        if (config["new-sessions-per-second"] is { } rateNode && reader.Int(rateNode, $"'new-sessions-per-second' of {where} (0: no limit)", 0, 10_000_000) is { } rate)
        {
            options = options with { NewSessionsPerSecond = rate };
        }
        if (config["new-sessions-per-second-per-source"] is { } sourceNode &&
            reader.Int(sourceNode, $"'new-sessions-per-second-per-source' of {where} (0: no limit)", 0, 10_000_000) is { } sourceRate)
        {
            options = options with { NewSessionsPerSecondPerSource = sourceRate };
        }

        if (config["forwards"] is { } forwardsNode && forwardsNode is not ConfigScalar { Value: "" } &&
            reader.AsSequence(forwardsNode, $"'forwards' of {where}") is { } list)
        {
            var forwards = new List<NatForward>();
            var externalPorts = new Dictionary<(byte, Ipv4Address?, ushort), SourceSpan>();
            var insideEndpoints = new Dictionary<(byte, Ipv4Address, ushort), SourceSpan>();
            foreach (var item in list.Items)
            {
                if (ReadForward(reader, item, where) is not { } forward)
                {
                    continue;
                }
                var external = forward.External ?? (options.External.Count > 0 ? options.External[0] : null);
                if (externalPorts.TryGetValue((forward.Protocol, external, forward.Port), out var first))
                {
                    reader.Diagnostics.Error(NatDiagnosticCodes.DuplicateForward, forward.Span,
                        $"{forward.ProtocolName} port {forward.Port} of {where} is already forwarded at {first}");
                    continue;
                }
                if (insideEndpoints.TryGetValue((forward.Protocol, forward.To, forward.ToPort), out var firstInside))
                {
                    reader.Diagnostics.Error(NatDiagnosticCodes.DuplicateForward, forward.Span,
                        $"{forward.ProtocolName} {forward.To}:{forward.ToPort} of {where} is already the target of the forward at {firstInside}; an inside endpoint has one external port");
                    continue;
                }
                externalPorts.Add((forward.Protocol, external, forward.Port), forward.Span);
                insideEndpoints.Add((forward.Protocol, forward.To, forward.ToPort), forward.Span);
                forwards.Add(forward);
            }
            options = options with { Forwards = forwards };
        }
        return options;
    }

    // endpoint-independent, address-dependent or address-and-port-dependent (RFC 4787's names), as 0, 1, 2.
    private static int? ReadMode(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        int mode = Array.IndexOf(s_modes, scalar.Value);
        if (mode < 0)
        {
            reader.Diagnostics.Error(NatDiagnosticCodes.BadMode, node.Span, $"{what} must be one of {string.Join(", ", s_modes)}, not '{scalar.Value}'");
            return null;
        }
        return mode;
    }

    private static (int Min, int Max)? ReadRange(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        var text = scalar.Value.AsSpan();
        int dash = text.IndexOf('-');
        if (dash > 0 && int.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int min) &&
            int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int max) &&
            min >= 1 && max <= 65535 && min <= max)
        {
            return (min, max);
        }
        reader.Diagnostics.Error(NatDiagnosticCodes.BadPortRange, node.Span,
            $"{what} must be a range of ports such as 1024-65535 (from 1 to 65535, low first), not '{scalar.Value}'");
        return null;
    }

    private static NatForward? ReadForward(ConfigReader reader, ConfigNode item, string where)
    {
        string what = $"a forward of {where}";
        if (reader.AsMapping(item, what) is not { } map)
        {
            return null;
        }
        reader.CheckKeys(map, what, s_forwardKeys);
        bool ok = true;
        byte protocol = 0;
        if (reader.Required(map, "protocol", what) is { } protocolNode && reader.AsScalar(protocolNode, $"'protocol' of {what}") is { } p)
        {
            switch (p.Value)
            {
                case "tcp": protocol = Ipv4Header.ProtocolTcp; break;
                case "udp": protocol = Ipv4Header.ProtocolUdp; break;
                default:
                    reader.Diagnostics.Error(NatDiagnosticCodes.BadForward, protocolNode.Span, $"'protocol' of {what} must be tcp or udp, not '{p.Value}'");
                    ok = false;
                    break;
            }
        }
        else
        {
            ok = false;
        }
        int? port = reader.Required(map, "port", what) is { } portNode ? reader.Int(portNode, $"'port' of {what}", 1, 65535) : null;
        ok &= port is not null;
        Ipv4Address to = default;
        int toPort = port ?? 0;
        if (reader.Required(map, "to", what) is { } toNode && reader.AsScalar(toNode, $"'to' of {what}") is { } toScalar)
        {
            var text = toScalar.Value;
            int colon = text.IndexOf(':');
            bool parsed = Ipv4Address.TryParse(colon < 0 ? text : text[..colon], out to);
            if (parsed && colon >= 0)
            {
                parsed = int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out toPort) && toPort is >= 1 and <= 65535;
            }
            uint first = to.Value >> 24;
            if (!parsed || first is 0 or 127 || first >= 224)
            {
                reader.Diagnostics.Error(NatDiagnosticCodes.BadForward, toNode.Span,
                    $"'to' of {what} must be an inside unicast address with an optional port such as \"10.0.0.10:80\", not '{text}'");
                ok = false;
            }
        }
        else
        {
            ok = false;
        }
        Ipv4Address? external = null;
        if (map["address"] is { } addressNode)
        {
            external = reader.Address(addressNode, $"'address' of {what}");
            ok &= external is not null;
        }
        if (!ok)
        {
            return null;
        }
        return new NatForward
        {
            Protocol = protocol,
            Port = (ushort)port!.Value,
            To = to,
            ToPort = (ushort)toPort,
            External = external,
            Span = map.Span,
        };
    }
}

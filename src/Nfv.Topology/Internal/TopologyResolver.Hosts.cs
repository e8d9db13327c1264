using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private readonly Dictionary<int, (string Host, SourceSpan Span)> _portHosts = [];
    private readonly Dictionary<Ipv4Address, (string Host, SourceSpan Span)> _hostAddresses = [];

    private void ReadHosts(ConfigNode? node)
    {
        if (node is null || _reader.AsMapping(node, "'hosts'") is not { } hosts)
        {
            return;
        }
        foreach (var (key, value) in hosts.Entries)
        {
            CheckName(key, "host");
            if (_reader.AsMapping(value, $"host '{key.Value}'") is not { } config)
            {
                continue;
            }
            _reader.CheckKeys(config, $"host '{key.Value}'", "port", "address", "gateway", "dhcp-client", "mac");
            int? port = HostPort(key, config);
            var address = HostAddress(key, config);
            bool gatewayOk = HostGateway(key, config, address, out var gateway);
            bool clientOk = HostDhcpClient(key, config, address, out var client);
            bool macOk = HostMac(key, config, out var mac);
            if (port is { } portIndex && address.Ok && gatewayOk && clientOk && macOk)
            {
                _hosts.Add(new ResolvedHost(key.Value, portIndex, address.Static, gateway, key.Span, client) { Mac = mac });
            }
        }
    }

    /// <summary>What a host's <c>address</c> said: a static prefix, <c>dhcp</c>, or nothing usable (reported).</summary>
    private readonly record struct HostAddressing(bool Ok, Ipv4Prefix? Static, bool Dhcp)
    {
        public static HostAddressing Failed => new(false, null, false);
    }

    // An optional fixed MAC for eth0 (a DHCP reservation, a static ARP entry): unicast, not all zeros.
    private bool HostMac(ConfigScalar host, ConfigMapping config, out MacAddress? mac)
    {
        mac = null;
        if (config["mac"] is not { } node)
        {
            return true;
        }
        if (_reader.UnicastMac(node, $"the mac of host '{host.Value}'") is not { } value)
        {
            return false;
        }
        mac = value;
        return true;
    }

    private int? HostPort(ConfigScalar host, ConfigMapping config)
    {
        var node = config["port"];
        if (node is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, host.Span, $"host '{host.Value}' needs 'port': the external port whose TAP becomes its eth0");
            return null;
        }
        if (_reader.AsScalar(node, $"the port of host '{host.Value}'") is not { } port)
        {
            return null;
        }
        string text = port.Value;
        int dot = text.IndexOf('.');
        if (!_names.TryGetValue(dot < 0 ? text : text[..dot], out var declared))
        {
            var portNames = _ports.Select(p => p.Name);
            _diagnostics.Error(DiagnosticCodes.BadHost, port.Span,
                $"host '{host.Value}' names port '{text}', which is not declared under 'ports:'{Names.DidYouMean(text, portNames)}");
            return null;
        }
        if (declared.Kind == EndpointKind.Function || dot >= 0)
        {
            var what = declared.Kind == EndpointKind.Function ? (dot < 0 ? "a function" : "a function's port") : "not a port name";
            _diagnostics.Error(DiagnosticCodes.BadHost, port.Span,
                $"host '{host.Value}' must name an external port declared under 'ports:'; '{text}' is {what}");
            return null;
        }
        if (_portHosts.TryGetValue(declared.Index, out var other))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, port.Span,
                $"port '{text}' already carries host '{other.Host}' (declared at {other.Span}); a port carries one host");
            return null;
        }
        _portHosts.Add(declared.Index, (host.Value, host.Span));
        if (_ports[declared.Index].Vxlan is not null)
        {
            _diagnostics.Error(DiagnosticCodes.BadExternalPort, port.Span,
                $"host '{host.Value}' names port '{text}', a VXLAN tunnel: a lab host needs a TAP port; put the host on the other machine, or on a TAP port of a switch this tunnel joins");
            return null;
        }
        return _ports[declared.Index].IsDeclared ? declared.Index : null;
    }

    private HostAddressing HostAddress(ConfigScalar host, ConfigMapping config)
    {
        var node = config["address"];
        if (node is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, host.Span, $"host '{host.Value}' needs 'address', such as 10.0.0.1/24 or dhcp");
            return HostAddressing.Failed;
        }
        if (node is ConfigScalar { Value: var text } && text.Equals("dhcp", StringComparison.OrdinalIgnoreCase))
        {
            return new HostAddressing(true, null, Dhcp: true);
        }
        if (_reader.InterfaceAddress(node, $"the address of host '{host.Value}'") is not { } prefix)
        {
            return HostAddressing.Failed;
        }
        var network = prefix.Network;
        if (prefix.Length <= 30 && prefix.Address == network.Address)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"{prefix} is the network address of {network}; host '{host.Value}' needs an address inside it");
            return HostAddressing.Failed;
        }
        if (prefix.Length <= 30 && prefix.Address.Value == (network.Address.Value | ~prefix.Mask))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"{prefix} is the broadcast address of {network}; host '{host.Value}' needs an address inside it");
            return HostAddressing.Failed;
        }
        if (_hostAddresses.TryGetValue(prefix.Address, out var other))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"address {prefix.Address} is already used by host '{other.Host}' at {other.Span}");
            return HostAddressing.Failed;
        }
        _hostAddresses.Add(prefix.Address, (host.Value, node.Span));
        return new HostAddressing(true, prefix, Dhcp: false);
    }

    /// <summary>False after reporting; true with no gateway when none is given.</summary>
    private bool HostGateway(ConfigScalar host, ConfigMapping config, HostAddressing address, out Ipv4Address? gateway)
    {
        gateway = null;
        var node = config["gateway"];
        if (node is null or ConfigScalar { Value: "" })
        {
            return true;
        }
        if (address.Dhcp)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"host '{host.Value}' takes its gateway from DHCP (address: dhcp); remove 'gateway', or give a static address");
            return false;
        }
        if (_reader.Address(node, $"the gateway of host '{host.Value}'") is not { } ip)
        {
            return false;
        }
        if (address.Static is { } prefix)
        {
            if (!prefix.Contains(ip))
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                    $"gateway {ip} is outside the subnet {prefix.Network} of host '{host.Value}'");
                return false;
            }
            if (ip == prefix.Address)
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"gateway {ip} is the address of host '{host.Value}' itself");
                return false;
            }
        }
        gateway = ip;
        return true;
    }

    /// <summary>False after reporting; true with null for a static host, and the default client for a DHCP host that names none.</summary>
    private bool HostDhcpClient(ConfigScalar host, ConfigMapping config, HostAddressing address, out DhcpClientKind? client)
    {
        client = null;
        var node = config["dhcp-client"];
        if (node is null)
        {
            client = address.Dhcp ? DhcpClients.Default : null;
            return true;
        }
        if (_reader.AsScalar(node, $"the dhcp-client of host '{host.Value}'") is not { } name)
        {
            return false;
        }
        if (!DhcpClients.TryParse(name.Value, out var kind))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, name.Span,
                $"host '{host.Value}' has unknown dhcp-client '{name.Value}'; known clients: {string.Join(", ", DhcpClients.Names)}{Names.DidYouMean(name.Value, DhcpClients.Names)}");
            return false;
        }
        if (address is { Ok: true, Dhcp: false })
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, name.Span,
                $"host '{host.Value}' has a static address, so 'dhcp-client' has nothing to do; write 'address: dhcp' or remove 'dhcp-client'");
            return false;
        }
        client = kind;
        return true;
    }
}

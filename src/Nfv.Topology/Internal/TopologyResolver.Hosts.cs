using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private readonly Dictionary<int, (string Host, SourceSpan Span)> _portHosts = [];
    private readonly Dictionary<Ipv4Address, (string Host, SourceSpan Span)> _hostAddresses = [];
    private readonly Dictionary<Ipv6Address, (string Host, SourceSpan Span)> _hostIpv6Addresses = [];

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
            _reader.CheckKeys(config, $"host '{key.Value}'", "port", "address", "gateway", "dhcp-client", "mac", "cpu", "memory", "pids", "exec", "vm");
            bool vmOk = HostVm(key, config, out var vm);
            int? port = HostPort(key, config, vm is not null);
            var address = HostAddress(key, config);
            bool gatewayOk = HostGateway(key, config, address, out var gateway);
            bool clientOk = HostDhcpClient(key, config, address, out var client);
            bool macOk = HostMac(key, config, out var mac);
            bool limitsOk = HostLimitsOf(key, config, out var limits);
            bool execOk = HostExec(key, config, out var exec);
            if (vm is not null && execOk && exec.Sum(c => ((System.Text.Encoding.UTF8.GetByteCount(c) + 2) / 3 * 4) + 1) > VmSettings.ExecCapacity)
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, config["exec"]!.Span,
                    $"the exec of VM host '{key.Value}' is too long for the kernel command line that carries it ({VmSettings.ExecCapacity} bytes once encoded, about {VmSettings.ExecCapacity * 3 / 4} characters); put a longer script in an image of its own");
                execOk = false;
            }
            if (port is { } portIndex && address.Ok && gatewayOk && clientOk && macOk && limitsOk && execOk && vmOk)
            {
                _hosts.Add(new ResolvedHost(key.Value, portIndex, address.Static, gateway.V4, key.Span, client)
                {
                    Mac = mac, Ipv6Addresses = address.Ipv6, Slaac = address.Slaac, Ipv6Gateway = gateway.V6, Limits = limits, Exec = exec, Vm = vm,
                });
            }
        }
    }

    /// <summary>What a host's <c>address</c> said: an IPv4 prefix or <c>dhcp</c>, IPv6 prefixes and <c>slaac</c>, or nothing usable (reported).</summary>
    private readonly record struct HostAddressing(bool Ok, Ipv4Prefix? Static, bool Dhcp, IReadOnlyList<Ipv6Prefix> Ipv6, bool Slaac)
    {
        public static HostAddressing Failed => new(false, null, false, [], false);
    }

    // cpu: 0.5 (cores, 0.01 to 1024), memory: 128M (4 MB to 1 TB), pids: 100: what nfv runs in the host gets a cgroup with them.
    private bool HostLimitsOf(ConfigScalar host, ConfigMapping config, out HostLimits? limits)
    {
        limits = null;
        int errors = ErrorCount();
        double? cpus = null;
        if (config["cpu"] is { } cpuNode && _reader.AsScalar(cpuNode, $"the cpu of host '{host.Value}'") is { } cpu)
        {
            if (double.TryParse(cpu.Value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double c) &&
                c is >= 0.01 and <= 1024)
            {
                cpus = c;
            }
            else
            {
                _diagnostics.Error(DiagnosticCodes.BadNumber, cpu.Span, $"the cpu of host '{host.Value}' is '{cpu.Value}'; write a number of cores from 0.01 to 1024, such as 0.5");
            }
        }
        long? memory = config["memory"] is { } memoryNode ? _reader.ByteSize(memoryNode, $"the memory of host '{host.Value}'", 4L << 20, 1L << 40) : null;
        int? pids = config["pids"] is { } pidsNode ? _reader.Int(pidsNode, $"the pids of host '{host.Value}'", 1, 4_194_304) : null;
        if (cpus is not null || memory is not null || pids is not null)
        {
            limits = new HostLimits(cpus, memory, pids);
        }
        return ErrorCount() == errors;
    }

    // exec: a command or a list of them, each a non-empty line for /bin/sh -c.
    private bool HostExec(ConfigScalar host, ConfigMapping config, out IReadOnlyList<string> exec)
    {
        exec = [];
        if (config["exec"] is not { } node)
        {
            return true;
        }
        var commands = new List<string>();
        bool ok = true;
        foreach (var item in node is ConfigSequence list ? list.Items : [node])
        {
            if (_reader.AsScalar(item, $"a command in the exec of host '{host.Value}'") is not { } command || command.Value.Trim().Length == 0)
            {
                if (item is ConfigScalar)
                {
                    _diagnostics.Error(DiagnosticCodes.BadHost, item.Span, $"a command in the exec of host '{host.Value}' is empty; write a shell command such as 'iperf3 -s'");
                }
                ok = false;
                continue;
            }
            commands.Add(command.Value);
        }
        exec = commands;
        return ok;
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

    private int? HostPort(ConfigScalar host, ConfigMapping config, bool vm)
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
        bool socket = _ports[declared.Index].Socket is not null;
        if (vm != socket && _ports[declared.Index].IsDeclared)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, port.Span, vm
                ? $"host '{host.Value}' is a VM, so its port needs 'socket' (a path its NIC attaches to, such as /run/nfv/{host.Value}.sock); port '{text}' is a TAP"
                : $"host '{host.Value}' names port '{text}', a socket: a network namespace needs a TAP port; add 'vm' to make the host a VM");
            return null;
        }
        if (vm && socket && System.Text.Encoding.UTF8.GetByteCount(VmSettings.GuestSocketFor(_ports[declared.Index].Socket!)) > MaxSocketPathBytes)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, port.Span,
                $"the guest of host '{host.Value}' binds {VmSettings.GuestSocketFor(_ports[declared.Index].Socket!)} beside its port's socket, longer than the {MaxSocketPathBytes} bytes a socket's path may have; give port '{text}' a shorter path");
            return null;
        }
        return _ports[declared.Index].IsDeclared ? declared.Index : null;
    }

    private static readonly string[] s_vmKeys = ["kernel", "initrd", "image", "memory", "cpus", "append"];

    // vm: {} boots the ready image; kernel/initrd/image: files (relative to the topology file); memory: 256M; cpus: 1;
    // append: kernel command line words. A VM runs its own network stack and DHCP client, and has no cgroup of nfv's.
    private bool HostVm(ConfigScalar host, ConfigMapping config, out VmSettings? vm)
    {
        vm = null;
        if (config["vm"] is not { } node)
        {
            return true;
        }
        string what = $"the vm of host '{host.Value}'";
        if (node is ConfigScalar { Value: "" })
        {
            vm = new VmSettings();
        }
        else if (_reader.AsMapping(node, what) is not { } map)
        {
            return false;
        }
        else
        {
            int errors = ErrorCount();
            _reader.CheckKeys(map, what, s_vmKeys);
            var settings = new VmSettings
            {
                Kernel = VmFile(map, "kernel", what),
                Initrd = VmFile(map, "initrd", what),
                Disk = VmFile(map, "image", what),
                MemoryBytes = map["memory"] is { } memory ? _reader.ByteSize(memory, $"'memory' of {what}", 32L << 20, 1L << 40) ?? 0 : VmSettings.DefaultMemoryBytes,
                Cpus = map["cpus"] is { } cpus ? _reader.Int(cpus, $"'cpus' of {what}", 1, 64) ?? 0 : 1,
                Append = map["append"] is { } append ? _reader.AsScalar(append, $"'append' of {what}")?.Value : null,
            };
            if (settings.Initrd is not null && settings.Kernel is null)
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, map["initrd"]!.Span, $"{what} has an 'initrd' but no 'kernel' to boot with it");
            }
            if (ErrorCount() != errors)
            {
                return false;
            }
            vm = settings;
        }
        foreach (var key in new[] { "dhcp-client", "cpu", "memory", "pids" })
        {
            if (config[key] is { } unused)
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, unused.Span, key == "dhcp-client"
                    ? $"host '{host.Value}' is a VM: it runs its own DHCP client; remove 'dhcp-client'"
                    : $"host '{host.Value}' is a VM: '{key}' limits a namespace host's processes; size the guest with 'memory' and 'cpus' under 'vm'");
                vm = null;
            }
        }
        if (config["exec"] is { } exec && vm is { UsesReadyImage: false })
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, exec.Span,
                $"host '{host.Value}' boots a kernel or disk of its own, which may not run 'exec' (nfv's ready image does); run the commands from the guest's own start-up");
            vm = null;
        }
        return vm is not null;
    }

    private string? VmFile(ConfigMapping map, string key, string what) =>
        map[key] is { } node && _reader.AsScalar(node, $"'{key}' of {what}") is { } file
            ? Path.GetFullPath(file.Value, Path.GetDirectoryName(Path.GetFullPath(_file))!)
            : null;

    // address: one item or a list of them: an IPv4 prefix or dhcp (one at most), IPv6 prefixes, slaac.
    private HostAddressing HostAddress(ConfigScalar host, ConfigMapping config)
    {
        var node = config["address"];
        if (node is null)
        {
            _diagnostics.Error(DiagnosticCodes.MissingKey, host.Span, $"host '{host.Value}' needs 'address', such as 10.0.0.1/24, dhcp, 2001:db8::1/64 or slaac");
            return HostAddressing.Failed;
        }
        IReadOnlyList<ConfigNode> items = node is ConfigSequence list ? list.Items : [node];
        if (items.Count == 0)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"host '{host.Value}' lists no address; give one such as 10.0.0.1/24, dhcp, 2001:db8::1/64 or slaac");
            return HostAddressing.Failed;
        }
        var result = new HostAddressing(true, null, false, [], false);
        var ipv6 = new List<Ipv6Prefix>();
        ConfigNode? ipv4Node = null;
        foreach (var item in items)
        {
            string text = (item as ConfigScalar)?.Value ?? "";
            bool ipv4 = text.Equals("dhcp", StringComparison.OrdinalIgnoreCase) || !(Ipv6ConfigReader.LooksLikeIpv6(item) || text == "slaac");
            if (ipv4 && ipv4Node is not null)
            {
                _diagnostics.Error(DiagnosticCodes.BadHost, item.Span,
                    $"host '{host.Value}' already has its IPv4 address from '{((ConfigScalar)ipv4Node).Value}' at {ipv4Node.Span}; a host has one IPv4 address (static or dhcp)");
                result = result with { Ok = false };
                continue;
            }
            if (text.Equals("dhcp", StringComparison.OrdinalIgnoreCase))
            {
                (result, ipv4Node) = (result with { Dhcp = true }, item);
            }
            else if (text == "slaac")
            {
                result = result with { Slaac = true };
            }
            else if (Ipv6ConfigReader.LooksLikeIpv6(item))
            {
                if (HostIpv6Address(host, item) is { } prefix)
                {
                    ipv6.Add(prefix);
                }
                else
                {
                    result = result with { Ok = false };
                }
            }
            else if (HostIpv4Address(host, item) is { } prefix)
            {
                (result, ipv4Node) = (result with { Static = prefix }, item);
            }
            else
            {
                result = result with { Ok = false };
            }
        }
        return result with { Ipv6 = ipv6 };
    }

    private Ipv4Prefix? HostIpv4Address(ConfigScalar host, ConfigNode node)
    {
        if (_reader.InterfaceAddress(node, $"the address of host '{host.Value}'") is not { } prefix)
        {
            return null;
        }
        var network = prefix.Network;
        if (prefix.Length <= 30 && prefix.Address == network.Address)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"{prefix} is the network address of {network}; host '{host.Value}' needs an address inside it");
            return null;
        }
        if (prefix.Length <= 30 && prefix.Address.Value == (network.Address.Value | ~prefix.Mask))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"{prefix} is the broadcast address of {network}; host '{host.Value}' needs an address inside it");
            return null;
        }
        if (_hostAddresses.TryGetValue(prefix.Address, out var other))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"address {prefix.Address} is already used by host '{other.Host}' at {other.Span}");
            return null;
        }
        _hostAddresses.Add(prefix.Address, (host.Value, node.Span));
        return prefix;
    }

    private Ipv6Prefix? HostIpv6Address(ConfigScalar host, ConfigNode node)
    {
        if (_reader.InterfaceAddressV6(node, $"the address of host '{host.Value}'") is not { } prefix)
        {
            return null;
        }
        var address = prefix.Address;
        if (address.IsUnspecified || address.IsLoopback || address.IsMulticast || address.IsLinkLocal)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"{prefix} cannot be an address of host '{host.Value}': it is unspecified, loopback, multicast or link-local (the kernel makes the link-local one)");
            return null;
        }
        if (_hostIpv6Addresses.TryGetValue(address, out var other))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"address {address} is already used by host '{other.Host}' at {other.Span}");
            return null;
        }
        _hostIpv6Addresses.Add(address, (host.Value, node.Span));
        return prefix;
    }

    /// <summary>False after reporting; true with no gateway when none is given. One gateway per family, as one item or a list.</summary>
    private bool HostGateway(ConfigScalar host, ConfigMapping config, HostAddressing address, out (Ipv4Address? V4, Ipv6Address? V6) gateway)
    {
        gateway = default;
        var node = config["gateway"];
        if (node is null or ConfigScalar { Value: "" })
        {
            return true;
        }
        bool ok = true;
        IReadOnlyList<ConfigNode> items = node is ConfigSequence list ? list.Items : [node];
        foreach (var item in items)
        {
            if (Ipv6ConfigReader.LooksLikeIpv6(item))
            {
                ok &= gateway.V6 is null ? HostIpv6Gateway(host, item, address, out gateway.V6) : TwoGateways(host, item, "IPv6");
            }
            else
            {
                ok &= gateway.V4 is null ? HostIpv4Gateway(host, item, address, out gateway.V4) : TwoGateways(host, item, "IPv4");
            }
        }
        return ok;
    }

    private bool TwoGateways(ConfigScalar host, ConfigNode node, string family)
    {
        _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"host '{host.Value}' names a second {family} gateway; give one per family");
        return false;
    }

    private bool HostIpv4Gateway(ConfigScalar host, ConfigNode node, HostAddressing address, out Ipv4Address? gateway)
    {
        gateway = null;
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
        else if (address.Ok)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"host '{host.Value}' has no IPv4 address for gateway {ip} to serve");
            return false;
        }
        gateway = ip;
        return true;
    }

    private bool HostIpv6Gateway(ConfigScalar host, ConfigNode node, HostAddressing address, out Ipv6Address? gateway)
    {
        gateway = null;
        if (_reader.AddressV6(node, $"the gateway of host '{host.Value}'") is not { } ip)
        {
            return false;
        }
        if (address.Slaac)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"host '{host.Value}' takes its IPv6 default route from router advertisements (address: slaac); remove the IPv6 gateway, or give static IPv6 addresses");
            return false;
        }
        if (address.Ok && address.Ipv6.Count == 0)
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"host '{host.Value}' has no IPv6 address for gateway {ip} to serve");
            return false;
        }
        if (address.Ok && !ip.IsLinkLocal && !address.Ipv6.Any(p => p.Contains(ip)))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span,
                $"gateway {ip} is outside the subnets of host '{host.Value}' ({string.Join(", ", address.Ipv6.Select(p => p.Network))}); use a router address on them, or its link-local one");
            return false;
        }
        if (address.Ipv6.Any(p => p.Address == ip))
        {
            _diagnostics.Error(DiagnosticCodes.BadHost, node.Span, $"gateway {ip} is the address of host '{host.Value}' itself");
            return false;
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

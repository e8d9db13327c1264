using Nfv.Abstractions.Configuration;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private void ReadPorts(ConfigNode? node)
    {
        if (node is null || _reader.AsMapping(node, "'ports'") is not { } ports)
        {
            return;
        }
        var taps = new Dictionary<string, (string Port, SourceSpan Span)>(StringComparer.Ordinal);
        var tunnels = new Dictionary<(Ipv4Address? Local, ushort Port), (string Port, SourceSpan Span)>();
        var sockets = new Dictionary<string, (string Port, SourceSpan Span)>(StringComparer.Ordinal);
        foreach (var (key, value) in ports.Entries)
        {
            var entry = new PortEntry(key.Value, key.Span);
            _ports.Add(entry);
            CheckName(key, "port");
            Declare(key, EndpointKind.ExternalPort, _ports.Count - 1);

            if (_reader.AsMapping(value, $"port '{key.Value}'") is not { } config)
            {
                continue;
            }
            _reader.CheckKeys(config, $"port '{key.Value}'", "tap", "vxlan", "socket", "node");
            entry.Node = ReadNodeName(config, $"port '{key.Value}'");
            var tapNode = config["tap"];
            var kinds = new[] { "tap", "vxlan", "socket" }.Where(k => config[k] is not null).ToList();
            if (kinds.Count > 1)
            {
                _diagnostics.Error(DiagnosticCodes.BadExternalPort, config[kinds[1]]!.Span,
                    $"port '{key.Value}' is a TAP, a VXLAN tunnel or a socket, one of them: keep one of {string.Join(" and ", kinds.Select(k => $"'{k}'"))}");
                continue;
            }
            if (config["vxlan"] is { } vxlanNode)
            {
                ReadVxlan(entry, vxlanNode, tunnels);
                continue;
            }
            if (config["socket"] is { } socketNode)
            {
                ReadSocket(entry, socketNode, sockets);
                continue;
            }
            if (tapNode is null)
            {
                _diagnostics.Error(DiagnosticCodes.MissingKey, key.Span,
                    $"port '{key.Value}' needs 'tap': the name of its TAP interface, such as nfv-{Truncate(key.Value, 11)}; or 'vxlan': a tunnel to another machine; or 'socket': the path of a datagram socket a VM attaches to");
                continue;
            }
            if (_reader.AsScalar(tapNode, $"the tap of port '{key.Value}'") is not { } tap)
            {
                continue;
            }
            if (Names.InterfaceNameProblem(tap.Value) is { } problem)
            {
                _diagnostics.Error(DiagnosticCodes.BadName, tap.Span, $"TAP name '{tap.Value}' {problem}");
                continue;
            }
            if (taps.TryGetValue(tap.Value, out var other))
            {
                _diagnostics.Error(DiagnosticCodes.DuplicateName, tap.Span,
                    $"TAP '{tap.Value}' is already used by port '{other.Port}' at {other.Span}");
                continue;
            }
            taps.Add(tap.Value, (key.Value, tap.Span));
            entry.Tap = tap.Value;
        }
    }

    // socket: /run/nfv/lab/vm1.sock: an absolute path a socket's address can hold (107 bytes), one port each.
    private void ReadSocket(PortEntry entry, ConfigNode node, Dictionary<string, (string Port, SourceSpan Span)> sockets)
    {
        if (_reader.AsScalar(node, $"the socket of port '{entry.Name}'") is not { } path)
        {
            return;
        }
        string? problem = !Path.IsPathFullyQualified(path.Value) ? "is not a full path; write one such as /run/nfv/lab/vm1.sock"
            : System.Text.Encoding.UTF8.GetByteCount(path.Value) > MaxSocketPathBytes ? $"is longer than the {MaxSocketPathBytes} bytes a socket's path may have"
            : path.Value.EndsWith('/') ? "names a folder; add the socket's file name" : null;
        if (problem is not null)
        {
            _diagnostics.Error(DiagnosticCodes.BadExternalPort, path.Span, $"the socket '{path.Value}' of port '{entry.Name}' {problem}");
            return;
        }
        if (sockets.TryGetValue(path.Value, out var other))
        {
            _diagnostics.Error(DiagnosticCodes.DuplicateName, path.Span, $"socket '{path.Value}' is already used by port '{other.Port}' at {other.Span}");
            return;
        }
        sockets.Add(path.Value, (entry.Name, path.Span));
        entry.Socket = path.Value;
    }

    /// <summary>The longest path a socket address holds (sun_path is 108 bytes with its terminating NUL).</summary>
    internal const int MaxSocketPathBytes = 107;

    private static readonly string[] s_vxlanKeys = ["remote", "vni", "port", "local", "ttl", "tos"];

    // vxlan: { remote: A or [A, B], vni: N, port: 4789, local: A, ttl: 64, tos: 0 }. Each tunnel has a socket of its own
    // on its local address and port, so two may not share both.
    private void ReadVxlan(PortEntry entry, ConfigNode node, Dictionary<(Ipv4Address? Local, ushort Port), (string Port, SourceSpan Span)> tunnels)
    {
        string what = $"the vxlan of port '{entry.Name}'";
        if (_reader.AsMapping(node, what) is not { } map)
        {
            return;
        }
        int errors = _diagnostics.Items.Count;
        _reader.CheckKeys(map, what, s_vxlanKeys);
        var remotes = new List<Ipv4Address>();
        if (_reader.Required(map, "remote", what) is { } remoteNode)
        {
            var items = remoteNode is ConfigSequence list ? list.Items : [remoteNode];
            foreach (var item in items)
            {
                if (_reader.Address(item, $"a remote of {what}") is { } remote)
                {
                    if (remotes.Contains(remote))
                    {
                        _diagnostics.Error(DiagnosticCodes.BadExternalPort, item.Span, $"remote {remote} of {what} is listed twice");
                    }
                    remotes.Add(remote);
                }
            }
            if (items.Count == 0)
            {
                _diagnostics.Error(DiagnosticCodes.BadExternalPort, remoteNode.Span, $"{what} needs at least one remote: the underlay address of the other tunnel endpoint");
            }
        }
        int? vni = _reader.Required(map, "vni", what) is { } vniNode ? _reader.Int(vniNode, $"'vni' of {what}", 0, (int)VxlanSettings.MaxVni) : null;
        int? port = map["port"] is { } portNode ? _reader.Int(portNode, $"'port' of {what}", 1, 65535) : VxlanSettings.DefaultPort;
        var local = map["local"] is { } localNode ? _reader.Address(localNode, $"'local' of {what}") : null;
        int? ttl = map["ttl"] is { } ttlNode ? _reader.Int(ttlNode, $"'ttl' of {what}", 1, 255) : 64;
        int? tos = map["tos"] is { } tosNode ? _reader.Int(tosNode, $"'tos' of {what}", 0, 255) : 0;
        if (_diagnostics.Items.Count > errors && _diagnostics.Items.Skip(errors).Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return;
        }
        if (tunnels.TryGetValue((local, (ushort)port!.Value), out var other))
        {
            _diagnostics.Error(DiagnosticCodes.BadExternalPort, node.Span,
                $"{what} receives on {local?.ToString() ?? "any address"} port {port} like port '{other.Port}' (at {other.Span}); give each tunnel its own 'port' or 'local' address");
            return;
        }
        tunnels.Add((local, (ushort)port.Value), (entry.Name, node.Span));
        entry.Vxlan = new VxlanSettings(remotes, (uint)vni!.Value) { Port = (ushort)port.Value, Local = local, Ttl = ttl!.Value, Tos = tos!.Value };
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

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
            _reader.CheckKeys(config, $"port '{key.Value}'", "tap", "vxlan", "node");
            entry.Node = ReadNodeName(config, $"port '{key.Value}'");
            var tapNode = config["tap"];
            if (config["vxlan"] is { } vxlanNode)
            {
                if (tapNode is not null)
                {
                    _diagnostics.Error(DiagnosticCodes.BadExternalPort, vxlanNode.Span, $"port '{key.Value}' is a TAP or a VXLAN tunnel, not both: keep 'tap' or 'vxlan'");
                    continue;
                }
                ReadVxlan(entry, vxlanNode, tunnels);
                continue;
            }
            if (tapNode is null)
            {
                _diagnostics.Error(DiagnosticCodes.MissingKey, key.Span,
                    $"port '{key.Value}' needs 'tap': the name of its TAP interface, such as nfv-{Truncate(key.Value, 11)}; or 'vxlan': a tunnel to another machine");
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

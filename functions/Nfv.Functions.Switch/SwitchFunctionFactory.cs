using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

[assembly: NetworkFunction(typeof(Nfv.Functions.Switch.SwitchFunctionFactory))]

namespace Nfv.Functions.Switch;

/// <summary>
/// Makes switches (<c>kind: switch</c>): reads and checks their configuration, reporting every problem with its
/// line and column, and never throws for bad input.
/// </summary>
public sealed class SwitchFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys = ["kind", "ageing", "mac-table-size", "mtu", "ports"];
    private static readonly string[] s_portKeys = ["vlan", "trunk", "native", "max-macs"];

    /// <inheritdoc/>
    public string Kind => "switch";

    /// <inheritdoc/>
    public string Summary => "Learning Ethernet switch with MAC ageing and 802.1Q access and trunk ports";

    /// <inheritdoc/>
    /// <remarks>The range the switch has always had (<see cref="SwitchDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV11";

    /// <inheritdoc/>
    /// <remarks>
    /// Returns null only when <c>ports</c> is not a mapping (the port names are unknown, so links to the switch
    /// cannot be checked); otherwise a blueprint with every usable value, bad values replaced by defaults, so the
    /// links can still be checked and every problem reported in one pass.
    /// </remarks>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"switch '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);

        var options = new SwitchOptions();
        if (config["ageing"] is { } ageingNode &&
            reader.Duration(ageingNode, $"'ageing' of {where}", SwitchOptions.MinAgeing, SwitchOptions.MaxAgeing) is { } ageing)
        {
            options = options with { Ageing = ageing };
        }
        if (config["mac-table-size"] is { } sizeNode &&
            reader.Int(sizeNode, $"'mac-table-size' of {where}", 1, SwitchOptions.MaxMacTableSize) is { } size)
        {
            options = options with { MacTableSize = size };
        }
        if (config["mtu"] is { } mtuNode &&
            reader.Int(mtuNode, $"'mtu' of {where}", SwitchOptions.MinMtu, SwitchOptions.MaxMtu) is { } mtu)
        {
            options = options with { Mtu = mtu };
        }

        var ports = new List<SwitchPort>();
        if (config["ports"] is { } portsNode)
        {
            if (reader.AsMapping(portsNode, $"'ports' of {where}") is not { } portsMap)
            {
                return null;
            }
            var seen = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
            foreach (var (key, value) in portsMap.Entries)
            {
                string name = key.Value;
                if (!FunctionBlueprint.IsValidPortName(name))
                {
                    reader.Diagnostics.Error(SwitchDiagnosticCodes.BadPortName, key.Span,
                        $"port name '{name}' of {where} is not allowed: use 1 to 64 letters, digits, '-' or '_' " +
                        $"(links name it as '{context.Name}.PORT')");
                }
                if (seen.TryGetValue(name, out var first))
                {
                    reader.Diagnostics.Error(DiagnosticCodes.DuplicateName, key.Span,
                        $"port '{name}' of {where} is declared twice (first at {first})");
                    continue;
                }
                seen.Add(name, key.Span);
                ports.Add(ReadPort(reader, key, value, $"port '{name}' of {where}"));
            }
        }
        return new SwitchBlueprint(context.Name, options with { Ports = ports });
    }

    private static SwitchPort ReadPort(ConfigReader reader, ConfigScalar key, ConfigNode value, string where)
    {
        var fallback = SwitchPort.Access(key.Value) with { Span = key.Span };
        if (reader.AsMapping(value, where) is not { } map)
        {
            return fallback;
        }
        reader.CheckKeys(map, where, s_portKeys);
        var vlanNode = map["vlan"];
        var trunkNode = map["trunk"];
        var nativeNode = map["native"];

        if (vlanNode is not null && trunkNode is not null)
        {
            reader.Diagnostics.Error(SwitchDiagnosticCodes.VlanAndTrunk, map.KeyNode("trunk")!.Span,
                $"{where} has both 'vlan' and 'trunk': write 'vlan: N' for an access port, or 'trunk: [...]' " +
                "(with an optional 'native: N') for a trunk");
        }
        if (nativeNode is not null && trunkNode is null)
        {
            reader.Diagnostics.Error(SwitchDiagnosticCodes.NativeWithoutTrunk, map.KeyNode("native")!.Span,
                $"'native' of {where} is only for trunk ports: add 'trunk: [...]', or write 'vlan: N' for an access port");
        }

        int maxMacs = map["max-macs"] is { } maxNode ? reader.Int(maxNode, $"'max-macs' of {where}", 1, SwitchOptions.MaxMacTableSize) ?? 0 : 0;
        fallback = fallback with { MaxMacs = maxMacs };
        int? access = vlanNode is null ? null : reader.Vlan(vlanNode, $"'vlan' of {where}");
        int? native = nativeNode is null ? null : reader.Vlan(nativeNode, $"'native' of {where}");
        if (trunkNode is null || vlanNode is not null)
        {
            return fallback with { AccessVlan = access ?? SwitchPort.DefaultVlan };
        }

        var (vlans, ok) = ReadTrunk(reader, trunkNode, $"'trunk' of {where}");
        if (ok && vlans.Count == 0 && nativeNode is null)
        {
            reader.Diagnostics.Error(SwitchDiagnosticCodes.EmptyTrunk, trunkNode.Span,
                $"'trunk' of {where} carries no VLAN: list VLAN ids such as [10, 20] or ranges such as [100-199], or add 'native: N'");
        }
        return SwitchPort.Trunk(key.Value, vlans, native) with { Span = key.Span, MaxMacs = maxMacs };
    }

    // A trunk list: a YAML list of VLAN ids and ranges ([10, 20, 100-199]), or one scalar ("10,20,100-199").
    private static (List<int> Vlans, bool Ok) ReadTrunk(ConfigReader reader, ConfigNode node, string what)
    {
        var vlans = new List<int>();
        var seen = new bool[4096];
        bool ok = true;
        IReadOnlyList<ConfigNode> items;
        if (node is ConfigScalar { Value: "" })
        {
            items = [];
        }
        else if (node is ConfigScalar scalar)
        {
            items = [scalar];
        }
        else if (reader.AsSequence(node, what) is { } sequence)
        {
            items = sequence.Items;
        }
        else
        {
            return (vlans, false);
        }

        foreach (var item in items)
        {
            if (reader.AsScalar(item, $"an item of {what}") is not { } itemScalar)
            {
                ok = false;
                continue;
            }
            bool duplicate = false;
            foreach (var piece in itemScalar.Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!TryParseVlanRange(piece, out int low, out int high))
                {
                    reader.Diagnostics.Error(DiagnosticCodes.BadVlan, item.Span,
                        $"{what} must list VLAN ids from 1 to 4094 or ranges such as 100-199, not '{piece}'");
                    ok = false;
                    continue;
                }
                for (int v = low; v <= high; v++)
                {
                    if (seen[v])
                    {
                        duplicate = true;
                        continue;
                    }
                    seen[v] = true;
                    vlans.Add(v);
                }
            }
            if (duplicate)
            {
                reader.Diagnostics.Warning(SwitchDiagnosticCodes.DuplicateVlan, item.Span,
                    $"{what} lists '{itemScalar.Value}', which repeats VLANs already listed");
            }
        }
        return (vlans, ok);
    }

    private static bool TryParseVlanRange(string text, out int low, out int high)
    {
        low = high = 0;
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryParseVlan(text, out low))
            {
                return false;
            }
            high = low;
            return true;
        }
        return TryParseVlan(text[..dash].Trim(), out low) && TryParseVlan(text[(dash + 1)..].Trim(), out high) && low <= high;
    }

    private static bool TryParseVlan(string text, out int vlan) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out vlan) && vlan is >= 1 and <= 4094;
}

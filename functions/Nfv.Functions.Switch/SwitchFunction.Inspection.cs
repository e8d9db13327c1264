using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Switch;

// What `nfv show mac`, the management API and the metrics see of a switch.
public sealed partial class SwitchFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private FunctionCounter[]? _counters;

    /// <inheritdoc/>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("mac", ["vlan", "mac", "port", "age_seconds"], Options.MacTableSize, () => MacCount,
            () => GetMacTable().Select(e => (IReadOnlyList<string>)
            [
                e.Vlan.ToString(CultureInfo.InvariantCulture),
                e.Mac.ToString(),
                _portNames[e.Port],
                ((long)e.Age.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ])),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _counters ??=
    [
        new("learned", "source addresses learned", () => Counters.Learned),
        new("moved", "addresses re-learned on another port", () => Counters.Moved),
        new("aged", "entries removed after the ageing time", () => Counters.Aged),
        new("table_full", "frames whose source was not learned because the MAC table was full", () => Counters.TableFull),
        new("forwarded", "known-unicast frames sent to one port", () => Counters.Forwarded),
        new("flooded", "frames flooded to every other port of their VLAN", () => Counters.Flooded),
        new("flooded_table_full", "unknown-unicast frames flooded while the MAC table was full", () => Counters.FloodedTableFull),
        new("copy_failed", "flood copies not sent because the packet pool was empty", () => Counters.CopyFailed),
    ];
}

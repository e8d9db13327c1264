using System.Globalization;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Switch;

// What `nfv show mac`, the management API and the metrics see of a switch.
public sealed partial class SwitchFunction : IInspectableFunction
{
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _counters;

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
            ]))
        {
            KeyColumns = 2, // instances of a switch run per worker may each know an address: the latest sighting is shown
            AgeColumn = "age_seconds",
        },
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _counters ??= Counters.Describe();
}

using Microsoft.Extensions.Logging;

namespace Nfv.Functions.Switch;

// Event ids 1100-1199 belong to the switch (functions start at 1000: docs/architecture.md, "Logging"). Never reuse a retired id.
internal static partial class SwitchLog
{
    [LoggerMessage(1100, LogLevel.Warning,
        "Switch {FunctionName}: MAC table full ({Capacity} entries); new addresses are not learned and frames to them are flooded until entries age out")]
    public static partial void TableFull(ILogger logger, string functionName, int capacity);

    [LoggerMessage(1101, LogLevel.Information, "Switch {FunctionName}: MAC table has room again ({Count} of {Capacity} entries)")]
    public static partial void TableHasRoom(ILogger logger, string functionName, int count, int capacity);

    [LoggerMessage(1102, LogLevel.Debug, "Switch {FunctionName}: {Mac} in VLAN {Vlan} moved to port {PortName}", SkipEnabledCheck = true)]
    public static partial void MacMoved(ILogger logger, string functionName, string mac, int vlan, string portName);
}

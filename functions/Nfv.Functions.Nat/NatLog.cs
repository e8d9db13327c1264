using Microsoft.Extensions.Logging;

namespace Nfv.Functions.Nat;

// Event ids 1400-1499 belong to the NAT (functions start at 1000: docs/architecture.md, "Logging"). Never reuse a retired id.
internal static partial class NatLog
{
    [LoggerMessage(1400, LogLevel.Warning, "NAT {FunctionName}: session table full ({Capacity} sessions); new flows are dropped until sessions expire")]
    public static partial void TableFull(ILogger logger, string functionName, int capacity);

    [LoggerMessage(1401, LogLevel.Warning, "NAT {FunctionName}: no free {Protocol} port on {External} in {PortMin}-{PortMax}; new flows are dropped")]
    public static partial void PortsExhausted(ILogger logger, string functionName, string protocol, string external, int portMin, int portMax);

    [LoggerMessage(1402, LogLevel.Debug, "NAT {FunctionName}: inside host {Address} reached its {Limit} sessions", SkipEnabledCheck = true)]
    public static partial void HostLimit(ILogger logger, string functionName, string address, int limit);

    [LoggerMessage(1403, LogLevel.Information, "NAT {FunctionName}: outside on interface {InterfaceName} of router {Router}, external {External}")]
    public static partial void Attached(ILogger logger, string functionName, string interfaceName, string router, string external);

    [LoggerMessage(1404, LogLevel.Information, "NAT {FunctionName}: new settings in use, {Forwards} forward(s); its {Sessions} session(s) kept")]
    public static partial void Reconfigured(ILogger logger, string functionName, int forwards, int sessions);
}

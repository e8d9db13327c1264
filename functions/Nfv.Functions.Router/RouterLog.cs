using Microsoft.Extensions.Logging;

namespace Nfv.Functions.Router;

// Event ids 1200-1299 belong to the router (functions start at 1000: docs/architecture.md, "Logging"). Never reuse a retired id.
internal static partial class RouterLog
{
    [LoggerMessage(1200, LogLevel.Warning, "Router {FunctionName}: ARP table full ({Capacity} entries); new next hops are not resolved until entries age out")]
    public static partial void ArpTableFull(ILogger logger, string functionName, int capacity);

    [LoggerMessage(1201, LogLevel.Debug, "Router {FunctionName}: {Address} on {InterfaceName} did not answer ARP", SkipEnabledCheck = true)]
    public static partial void ArpFailed(ILogger logger, string functionName, string address, string interfaceName);

    [LoggerMessage(1202, LogLevel.Warning, "Router {FunctionName}: route {Route} left out: {Problem}")]
    public static partial void RouteLeftOut(ILogger logger, string functionName, string route, string problem);

    [LoggerMessage(1203, LogLevel.Warning, "Router {FunctionName}: neighbour cache full ({Capacity} entries); new IPv6 next hops are not resolved until entries age out")]
    public static partial void NeighbourCacheFull(ILogger logger, string functionName, int capacity);

    [LoggerMessage(1204, LogLevel.Debug, "Router {FunctionName}: {Address} on {InterfaceName} did not answer neighbour discovery", SkipEnabledCheck = true)]
    public static partial void NeighbourFailed(ILogger logger, string functionName, string address, string interfaceName);

    [LoggerMessage(1205, LogLevel.Warning, "Router {FunctionName}: address {Address} of {InterfaceName} is in use by {Mac} on the link (duplicate address detection); the router no longer answers for it")]
    public static partial void DuplicateAddress(ILogger logger, string functionName, string address, string interfaceName, string mac);
}

using Microsoft.Extensions.Logging;

namespace Nfv.Functions.Dhcp;

// Event ids 1300-1399 belong to the DHCP server (functions start at 1000: docs/architecture.md, "Logging"). Never reuse a retired id.
internal static partial class DhcpLog
{
    [LoggerMessage(1300, LogLevel.Warning, "DHCP {FunctionName}: no free address in {Subnet} for {ClientMac}; DISCOVERs go unanswered until leases expire or are released")]
    public static partial void PoolExhausted(ILogger logger, string functionName, string subnet, string clientMac);

    [LoggerMessage(1301, LogLevel.Error, "DHCP {FunctionName}: could not write the lease file {Path}; {Count} ACKs not sent")]
    public static partial void PersistFailed(ILogger logger, Exception exception, string functionName, string path, int count);

    [LoggerMessage(1302, LogLevel.Information, "DHCP {FunctionName}: {Count} leases restored from {Path} ({Skipped} unreadable lines, {Orphans} outside every subnet)")]
    public static partial void Restored(ILogger logger, string functionName, int count, string path, int skipped, int orphans);

    [LoggerMessage(1303, LogLevel.Debug, "DHCP {FunctionName}: {Reply} {Address} to {ClientMac}", SkipEnabledCheck = false)]
    public static partial void Replied(ILogger logger, string functionName, string reply, string address, string clientMac);

    [LoggerMessage(1304, LogLevel.Warning, "DHCP {FunctionName}: could not compact the lease file {Path}; the journal keeps growing until it can")]
    public static partial void CompactFailed(ILogger logger, Exception exception, string functionName, string path);

    [LoggerMessage(1305, LogLevel.Warning, "DHCP {FunctionName}: lines {Lines} of the lease file {Path} are not lease records (a torn last line is cut off); they were skipped and every other lease restored")]
    public static partial void UnreadableLines(ILogger logger, string functionName, string path, string lines);

    [LoggerMessage(1306, LogLevel.Information, "DHCP {FunctionName}: new settings in use; {Kept} lease(s) kept, {Forgotten} forgotten (outside the new pools)")]
    public static partial void Reconfigured(ILogger logger, string functionName, int kept, int forgotten);
}

using Microsoft.Extensions.Logging;

namespace Nfv.Management;

/// <summary>Management API log messages (category <c>Nfv.Management</c>).</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(50, LogLevel.Information, "nfv capture: link {LinkName} captured for a client ({Remote})")]
    public static partial void RuntimeCaptureStarted(ILogger logger, string linkName, string? remote);

    [LoggerMessage(51, LogLevel.Information, "nfv capture: link {LinkName} released by its client: {Frames} frame(s) sent, {Dropped} dropped (the client could not keep up)")]
    public static partial void RuntimeCaptureEnded(ILogger logger, string linkName, long frames, long dropped);

    [LoggerMessage(52, LogLevel.Information, "nfv trace: armed for {Count} packet(s) matching '{Filter}'")]
    public static partial void TraceArmed(ILogger logger, int count, string filter);

    [LoggerMessage(53, LogLevel.Information, "nfv trace: ended ({Reason}) after {Traced} of {Count} packet(s)")]
    public static partial void TraceEnded(ILogger logger, string reason, int traced, int count);
}

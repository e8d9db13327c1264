using Microsoft.Extensions.Logging;

namespace Nfv.Host.Commands;

/// <summary>Log messages of <c>nfv run</c> itself (category <c>Nfv.Host</c>).</summary>
internal static partial class HostLog
{
    [LoggerMessage(4, LogLevel.Information, "Topology {TopologyName} stopped; removed its {PortCount} port(s) and {HostCount} lab host(s)")]
    public static partial void Stopped(ILogger logger, string topologyName, int portCount, int hostCount);

    [LoggerMessage(5, LogLevel.Information,
        "Stats: rss={RssMegabytes:F1} MB, gc0={Gen0} gc1={Gen1} gc2={Gen2}, allocated={AllocatedBytes} B, pool free={PoolFree}/{PoolSize}, rx={ReceivedPackets} tx={SentPackets} dropped={Dropped}")]
    public static partial void Stats(ILogger logger, double rssMegabytes, int gen0, int gen1, int gen2, long allocatedBytes,
        int poolFree, int poolSize, long receivedPackets, long sentPackets, long dropped);

    [LoggerMessage(30, LogLevel.Information, "Capture of link {LinkName} closed: {Frames} frame(s) written to {Path}, {Dropped} dropped (the file could not keep up)")]
    public static partial void CaptureClosed(ILogger logger, string linkName, string path, long frames, long dropped);

    [LoggerMessage(31, LogLevel.Warning, "Writing a link capture failed; capturing stopped, forwarding did not")]
    public static partial void CaptureFailed(ILogger logger, Exception exception);

    [LoggerMessage(32, LogLevel.Information, "Applied {Path}: {ChangeCount} change(s): {Plan}")]
    public static partial void Applied(ILogger logger, string path, int changeCount, string plan);

    [LoggerMessage(33, LogLevel.Warning, "Did not apply {Path}; the lab runs as it did: {Reason}")]
    public static partial void ApplyRefused(ILogger logger, string path, string reason);

    [LoggerMessage(34, LogLevel.Warning, "Applied, but {Failure}; the host is down until nfv restart-host or another apply")]
    public static partial void ApplyHostFailed(ILogger logger, string failure);

    [LoggerMessage(35, LogLevel.Information, "SIGHUP: {Path} asks for nothing new")]
    public static partial void NothingToApply(ILogger logger, string path);

    [LoggerMessage(36, LogLevel.Warning, "TAPs are read and written one system call a frame (Nfv:BatchedTapIo is on, but {Reason})")]
    public static partial void NoBatchedTapIo(ILogger logger, string reason);
}

using Microsoft.Extensions.Logging;

namespace Nfv.Host;

/// <summary>Host log messages; event ids 1–99.</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Debug, "Created TAP {TapName} for port {PortName}")]
    public static partial void TapCreated(ILogger logger, string tapName, string portName);

    [LoggerMessage(2, LogLevel.Debug, "Created lab host {HostName} with {Address} on {TapName}")]
    public static partial void HostCreated(ILogger logger, string hostName, string address, string tapName);

    [LoggerMessage(3, LogLevel.Warning, "Could not remove {What}; remove it by hand")]
    public static partial void TeardownFailed(ILogger logger, string what);

    [LoggerMessage(4, LogLevel.Information, "Topology {TopologyName} stopped; removed {PortCount} TAP(s) and {HostCount} namespace(s)")]
    public static partial void Stopped(ILogger logger, string topologyName, int portCount, int hostCount);

    [LoggerMessage(5, LogLevel.Information,
        "Stats: rss={RssMegabytes:F1} MB, gc0={Gen0} gc1={Gen1} gc2={Gen2}, allocated={AllocatedBytes} B, pool free={PoolFree}/{PoolSize}, rx={ReceivedPackets} tx={SentPackets} dropped={Dropped}")]
    public static partial void Stats(ILogger logger, double rssMegabytes, int gen0, int gen1, int gen2, long allocatedBytes,
        int poolFree, int poolSize, long receivedPackets, long sentPackets, long dropped);

    [LoggerMessage(6, LogLevel.Information, "Lab host {HostName} leased {Lease} with {Client}")]
    public static partial void DhcpLeased(ILogger logger, string hostName, string lease, string client);

    [LoggerMessage(7, LogLevel.Warning, "Lab host {HostName} got no DHCP lease within {Seconds} s; {Client} keeps trying. Is a DHCP server linked to port {PortName}? Its output: {Output}")]
    public static partial void DhcpNoLease(ILogger logger, string hostName, double seconds, string client, string portName, string output);

    [LoggerMessage(8, LogLevel.Warning, "The DHCP client {Client} of lab host {HostName} ended by itself; the host has no address. Its output: {Output}")]
    public static partial void DhcpClientExited(ILogger logger, string hostName, string client, string output);

    [LoggerMessage(9, LogLevel.Debug, "Stopped the DHCP client of lab host {HostName}; its events: {Events}")]
    public static partial void DhcpClientStopped(ILogger logger, string hostName, string events);

    [LoggerMessage(10, LogLevel.Warning, "Lab host {HostName} is down: {Reason}; its port {PortName} is closed. It comes back when a namespace named {HostName} is made again (ip netns add), or with nfv restart-host {HostName}")]
    public static partial void HostDown(ILogger logger, string hostName, string reason, string portName);

    [LoggerMessage(11, LogLevel.Information, "Lab host {HostName} is back: {State}")]
    public static partial void HostBack(ILogger logger, string hostName, string state);

    [LoggerMessage(12, LogLevel.Warning, "Lab host {HostName} could not be brought back: {Error}")]
    public static partial void HostNotRestored(ILogger logger, string hostName, string error);

    [LoggerMessage(30, LogLevel.Information, "Capture of link {LinkName} closed: {Frames} frame(s) written to {Path}, {Dropped} dropped (the file could not keep up)")]
    public static partial void CaptureClosed(ILogger logger, string linkName, string path, long frames, long dropped);

    [LoggerMessage(31, LogLevel.Warning, "Writing a link capture failed; capturing stopped, forwarding did not")]
    public static partial void CaptureFailed(ILogger logger, Exception exception);

    [LoggerMessage(50, LogLevel.Information, "nfv capture: link {LinkName} captured for a client ({Remote})")]
    public static partial void RuntimeCaptureStarted(ILogger logger, string linkName, string? remote);

    [LoggerMessage(51, LogLevel.Information, "nfv capture: link {LinkName} released by its client: {Frames} frame(s) sent, {Dropped} dropped (the client could not keep up)")]
    public static partial void RuntimeCaptureEnded(ILogger logger, string linkName, long frames, long dropped);

    [LoggerMessage(52, LogLevel.Information, "nfv trace: armed for {Count} packet(s) matching '{Filter}'")]
    public static partial void TraceArmed(ILogger logger, int count, string filter);

    [LoggerMessage(53, LogLevel.Information, "nfv trace: ended ({Reason}) after {Traced} of {Count} packet(s)")]
    public static partial void TraceEnded(ILogger logger, string reason, int traced, int count);
}

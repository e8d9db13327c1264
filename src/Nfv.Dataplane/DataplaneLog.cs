using Microsoft.Extensions.Logging;

namespace Nfv.Dataplane;

/// <summary>Dataplane log messages; event ids 100–199.</summary>
internal static partial class DataplaneLog
{
    [LoggerMessage(100, LogLevel.Critical, "Worker {WorkerName} stopped on an unexpected error; the dataplane is no longer forwarding")]
    public static partial void WorkerFaulted(ILogger logger, Exception exception, string workerName);

    [LoggerMessage(101, LogLevel.Warning, "Port {PortName} is gone (its device was removed, or its namespace deleted): no longer polled, frames to it are dropped")]
    public static partial void PortGone(ILogger logger, string portName);

    [LoggerMessage(102, LogLevel.Warning, "Port {PortName} has no carrier (its interface is down): frames to it are dropped until it is up again")]
    public static partial void PortNoCarrier(ILogger logger, string portName);

    [LoggerMessage(103, LogLevel.Information, "Port {PortName} is up")]
    public static partial void PortUp(ILogger logger, string portName);
}

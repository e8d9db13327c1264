using Microsoft.Extensions.Logging;

namespace Nfv.Dataplane;

/// <summary>Dataplane log messages; event ids 100–199.</summary>
internal static partial class DataplaneLog
{
    [LoggerMessage(100, LogLevel.Critical, "Worker {WorkerName} stopped on an unexpected error; the dataplane is no longer forwarding")]
    public static partial void WorkerFaulted(ILogger logger, Exception exception, string workerName);
}

using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nfv.Dataplane.Ports;

namespace Nfv.Management;

public static partial class ManagementApi
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromSeconds(1);
    private static readonly PortDrop[] PortDrops = Enum.GetValues<PortDrop>();

    // The web view: three static files built into this assembly (no build step, nothing on disk to deploy), and the
    // stream of counters it draws rates from.
    private static readonly (string Path, string Resource, string ContentType)[] WebFiles =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    private static void MapWebView(WebApplication app, RunningTopology runtime)
    {
        foreach (var (path, resource, contentType) in WebFiles)
        {
            var bytes = ReadResource(resource);
            app.MapGet(path, () => Results.Bytes(bytes, contentType));
        }
        app.MapGet("/api/events", (HttpContext context) => EventsAsync(context, runtime));
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Nfv.Management.Web.{name}")
            ?? throw new InvalidOperationException($"the web view's {name} is not built into Nfv.Management");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// <c>/api/events</c>: server-sent events, one a second, with every port's and function's counters (cumulative: the
    /// page turns them into rates). Plain reads of the dataplane's counters, as a metrics scrape does; nothing on the
    /// packet path. The stream ends with the page, or when nfv stops (an open page must not hold up Ctrl-C).
    /// </summary>
    private static async Task EventsAsync(HttpContext context, RunningTopology runtime)
    {
        if (runtime.Running is not { } graph)
        {
            await Error(context, StatusCodes.Status503ServiceUnavailable, "the dataplane is not running yet");
            return;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        using var timer = new PeriodicTimer(EventInterval);
        try
        {
            do
            {
                var counters = new CountersView(
                    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    [.. graph.Graph.Ports.Select(p => new PortCountersView(p.Port.Name, p.Port.State.ToString().ToLowerInvariant(),
                        p.Port.Counters.Traffic[PortTraffic.ReceivedPackets], p.Port.Counters.Traffic[PortTraffic.SentPackets], PortDrops.Sum(r => p.Port.Counters.Drops[r])))],
                    [.. graph.Graph.Functions.Select(f => new FunctionCountersView(f.Name, f.ProcessedPackets, f.TotalDrops().Sum()))]);
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(counters, ManagementJson.Api.CountersView)}\n\n", ended.Token);
                await context.Response.Body.FlushAsync(ended.Token);
            }
            while (await timer.WaitForNextTickAsync(ended.Token));
        }
        catch (OperationCanceledException)
        {
            // the page went away, or nfv stops
        }
    }
}

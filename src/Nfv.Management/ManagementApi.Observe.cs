using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tracing;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Management;

/// <summary>
/// The two streaming reads: <c>GET /api/trace</c> (packet traces as JSON lines) and <c>GET /api/capture/LINK</c> (a link's
/// frames as a pcap stream). Both arm something on the worker (<see cref="PipelineWorker.InvokeAsync{T}"/>) for the life
/// of the request and disarm it when the request ends: count reached, timeout, client gone, or nfv stopping.
/// </summary>
public static partial class ManagementApi
{
    /// <summary>The most packets one trace request follows.</summary>
    public const int MaxTraceCount = 1000;

    /// <summary>How long a trace waits for its packets unless it asks otherwise (<c>?timeout=SECONDS</c>).</summary>
    public const int DefaultTraceTimeoutSeconds = 60;

    /// <summary>Link captures clients may hold at once: each has a 4 MiB ring.</summary>
    public const int MaxRuntimeCaptures = 8;

    private static readonly TimeSpan CapturePollInterval = TimeSpan.FromMilliseconds(10);

    private static async Task TraceAsync(HttpContext context, RunningTopology runtime)
    {
        if (runtime.Running is not { } running)
        {
            await Error(context, StatusCodes.Status503ServiceUnavailable, "the dataplane is not running yet");
            return;
        }
        var query = context.Request.Query;
        if (!TryQueryNumber(query, "count", 1, 1, MaxTraceCount, out int count, out var countError) ||
            !TryQueryNumber(query, "timeout", DefaultTraceTimeoutSeconds, 1, 86_400, out int timeoutSeconds, out countError))
        {
            await Error(context, StatusCodes.Status400BadRequest, countError!);
            return;
        }
        if (!TraceFilter.TryParse(query["filter"], out var filter, out var filterError))
        {
            await Error(context, StatusCodes.Status400BadRequest, $"bad filter: {filterError}");
            return;
        }
        int ingress = -1;
        if (filter.IngressPort is { } portName)
        {
            ingress = IndexOfPort(runtime.Topology, portName);
            if (ingress < 0)
            {
                await Error(context, StatusCodes.Status400BadRequest,
                    $"bad filter: 'in {portName}': no external port '{portName}'; ports here: {string.Join(", ", runtime.Topology.Ports.Select(p => p.Name))}");
                return;
            }
        }

        var session = new TraceSession(count, filter, ingress);
        var (graph, worker) = (running.Graph, running.Worker);
        bool armed = await worker.InvokeAsync(() =>
        {
            if (graph.ArmedTrace is not null)
            {
                return false;
            }
            graph.ArmTrace(session);
            return true;
        });
        if (!armed)
        {
            await Error(context, StatusCodes.Status409Conflict, "another nfv trace is running on this instance (one at a time); try again when it ends");
            return;
        }

        var logger = Logger(context);
        ManagementLog.TraceArmed(logger, count, filter.ToString());
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping, timeout.Token);
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted); // headers out now: the client knows the trace is armed
        int traced = 0;
        try
        {
            await foreach (var trace in session.Traces.ReadAllAsync(ended.Token))
            {
                await WriteLineAsync(context, View(trace), ManagementJson.Api.TraceView, context.RequestAborted);
                traced++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Disarm on the worker; traces finished before that are still in the channel.
            await worker.InvokeAsync(() => graph.DisarmTrace(session));
        }
        string reason = traced == count ? "count" : context.RequestAborted.IsCancellationRequested ? "client gone" : stopping.IsCancellationRequested ? "stopping" : "timeout";
        if (!context.RequestAborted.IsCancellationRequested)
        {
            while (session.Traces.TryRead(out var late))
            {
                await WriteLineAsync(context, View(late), ManagementJson.Api.TraceView, context.RequestAborted);
                traced++;
            }
            reason = traced == count ? "count" : reason;
            await WriteLineAsync(context, new TraceEndView(reason, traced, count, timeoutSeconds), ManagementJson.Api.TraceEndView, context.RequestAborted);
        }
        ManagementLog.TraceEnded(logger, reason, traced, count);
    }

    private static TraceView View(PacketTrace trace) => new(trace.Number, trace.Time, trace.Port, trace.Length, trace.Summary,
        [.. trace.Steps.Select(s => new TraceStepView(s.Hop, s.Function, s.Input, s.Kind.ToString().ToLowerInvariant(), s.Text))], trace.Truncated);

    private static async Task WriteLineAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await context.Response.Body.WriteAsync(line, cancellationToken);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task CaptureAsync(HttpContext context, RunningTopology runtime, string linkName)
    {
        if (runtime.Running is not { } running)
        {
            await Error(context, StatusCodes.Status503ServiceUnavailable, "the dataplane is not running yet");
            return;
        }
        var link = FindLink(runtime.Topology, linkName);
        if (link is null)
        {
            await Error(context, StatusCodes.Status404NotFound,
                $"no link of topology '{runtime.Topology.Name}' has an end named '{linkName}'; links here: " +
                string.Join(", ", runtime.Topology.Links.Select(l => l.ToString())));
            return;
        }
        if (!TryQueryNumber(context.Request.Query, "count", 0, 1, int.MaxValue, out int count, out var countError))
        {
            await Error(context, StatusCodes.Status400BadRequest, countError!);
            return;
        }
        if (!runtime.TryTakeCapture())
        {
            await Error(context, StatusCodes.Status409Conflict,
                $"{MaxRuntimeCaptures} captures are running on this instance already (the most at once); stop one first");
            return;
        }
        try
        {
            await StreamCaptureAsync(context, running, link, count == 0 ? int.MaxValue : count);
        }
        finally
        {
            runtime.ReturnCapture();
        }
    }

    private static async Task StreamCaptureAsync(HttpContext context, RunningGraph running, ResolvedLink link, int count)
    {
        var logger = Logger(context);
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var (a, b) = (TopologyCompiler.ToGraph(link.A), TopologyCompiler.ToGraph(link.B));
        var (graph, worker) = (running.Graph, running.Worker);
        // The worker copies frames into the capture's ring; this request drains the ring into a buffer and sends it.
        var buffer = new MemoryStream();
        var capture = new LinkCapture(link.ToString(), PcapWriter.Create(buffer, link.ToString()), TimeProvider.System);
        bool attached = await worker.InvokeAsync(() =>
        {
            if (worker.Graph != graph)
            {
                return false; // nfv apply replaced the graph since the link was looked up: its indices may name another
            }
            graph.AttachCapture(a, b, capture);
            return true;
        });
        if (!attached)
        {
            capture.Dispose();
            await Error(context, StatusCodes.Status409Conflict, "the lab changed (nfv apply) while the capture started; try again");
            return;
        }
        ManagementLog.RuntimeCaptureStarted(logger, link.ToString(), context.Connection.RemoteIpAddress?.ToString());
        long sent = 0;
        try
        {
            context.Response.ContentType = "application/vnd.tcpdump.pcap";
            context.Response.Headers["X-Nfv-Link"] = link.ToString();
            await SendAsync(); // the pcap file header: the client knows the capture is attached
            while (sent < count && !ended.IsCancellationRequested && !capture.LinkRemoved)
            {
                int drained = capture.Drain((int)Math.Min(count - sent, int.MaxValue));
                sent += drained;
                await SendAsync();
                if (drained == 0)
                {
                    await Task.Delay(CapturePollInterval, ended.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
        finally
        {
            // From the graph that runs now: nfv apply may have replaced the one it was attached to, carrying it along.
            await worker.InvokeAsync(() => worker.Graph.DetachCapture(capture));
            if (!context.RequestAborted.IsCancellationRequested && sent < count)
            {
                // Stopping: what the ring still holds is sent before the stream ends.
                try
                {
                    sent += capture.Drain((int)Math.Min(count - sent, int.MaxValue));
                    await SendAsync();
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                }
            }
            capture.Dispose();
            ManagementLog.RuntimeCaptureEnded(logger, link.ToString(), sent, capture.Dropped);
        }

        async Task SendAsync()
        {
            if (buffer.Length == 0)
            {
                return;
            }
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            buffer.SetLength(0);
        }
    }

    /// <summary>The link with an end named <paramref name="name"/> (<c>p1</c>, <c>core.up</c>), or null.</summary>
    internal static ResolvedLink? FindLink(ResolvedTopology topology, string name) =>
        topology.Links.FirstOrDefault(l => l.A.Display == name || l.B.Display == name);

    private static int IndexOfPort(ResolvedTopology topology, string name)
    {
        for (int i = 0; i < topology.Ports.Count; i++)
        {
            if (topology.Ports[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    private static bool TryQueryNumber(IQueryCollection query, string name, int fallback, int min, int max, out int value, out string? error)
    {
        value = fallback;
        error = null;
        if (!query.TryGetValue(name, out var text))
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{name} must be a whole number from {min} to {max}, not '{text}'";
            return false;
        }
        return true;
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Nfv.Host.Management");
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nfv.Abstractions.Inspection;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;
using Prometheus;

namespace Nfv.Management;

/// <summary>
/// The management API (JSON) and <c>/metrics</c>, on one local address: reads, and one action (restarting a lab host).
/// Every answer that is not data is a JSON object with an <c>error</c> saying why.
/// </summary>
public static partial class ManagementApi
{
    /// <summary>The most rows a table request returns unless it asks for fewer with <c>?limit=N</c>.</summary>
    public const int DefaultRowLimit = 10_000;

    public static void MapNfvManagement(this WebApplication app, RunningTopology runtime, string? token)
    {
        app.Use(async (context, next) =>
        {
            bool action = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/api/hosts");
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !action)
            {
                await Error(context, StatusCodes.Status405MethodNotAllowed,
                    $"the management API reads: {context.Request.Method} is not allowed here, only GET (and POST /api/hosts/NAME/restart)");
                return;
            }
            if (!string.IsNullOrEmpty(token) && context.Request.Headers.Authorization != $"Bearer {token}")
            {
                await Error(context, StatusCodes.Status401Unauthorized, "this instance needs 'Authorization: Bearer TOKEN' (Nfv:Management:Token)");
                return;
            }
            await next(context);
        });

        app.MapMetrics("/metrics");
        app.MapGet("/api/topology", () => Results.Json(TopologyView(runtime)));
        app.MapGet("/api/ports", () => Running(runtime, graph => Results.Json(graph.Graph.Ports.Select(PortView))));
        app.MapGet("/api/hosts", () => runtime.Hosts is not { } hosts ? NotRunning() : Results.Json(runtime.Topology.Hosts.Select(h => new
        {
            name = h.Name,
            port = runtime.Topology.Ports[h.PortIndex].Name,
            state = hosts.DownReason(h) is null ? "up" : "down",
            detail = hosts.Describe(h),
        })));
        app.MapPost("/api/hosts/{name}/restart", async (string name, HttpContext context) =>
        {
            if (runtime.Hosts is not { } hosts)
            {
                return NotRunning();
            }
            try
            {
                return Results.Json(new { host = name, state = "up", detail = await hosts.RestartAsync(name, context.RequestAborted) });
            }
            catch (KeyNotFoundException ex)
            {
                return ErrorResult(StatusCodes.Status404NotFound, ex.Message);
            }
            catch (Nfv.Lab.LabException ex)
            {
                return ErrorResult(StatusCodes.Status500InternalServerError, $"host '{name}' could not be restarted: {ex.Message}");
            }
        });
        app.MapGet("/api/functions", () => Running(runtime, graph => Results.Json(graph.Graph.Functions.Select((f, i) => new
        {
            name = f.Name,
            kind = runtime.Topology.Functions[i].Kind,
            processed_packets = f.ProcessedPackets,
            processed_batches = f.ProcessedBatches,
            drops = f.DropReasons.Select((r, k) => (r, k)).ToDictionary(x => NfvMetrics.Snake(x.r), x => f.Drops[x.k]),
            events = (f.Function as IInspectableFunction)?.Events.ToDictionary(e => e.Name, e => e.Read()) ?? [],
        }))));
        app.MapGet("/api/tables", () => Running(runtime, graph => Results.Json(Tables(runtime, graph).Select(t => new
        {
            function = t.Function,
            table = t.Table.Name,
            entries = t.Table.Count,
            capacity = t.Table.Capacity,
        }))));
        app.MapGet("/api/tables/{table}", async (string table, HttpContext context) =>
        {
            if (runtime.Running is not { } graph)
            {
                return NotRunning();
            }
            if (!TryLimit(context, out int limit, out var bad))
            {
                return bad!;
            }
            var matches = Tables(runtime, graph).Where(t => t.Table.Name == table).ToList();
            if (matches.Count == 0)
            {
                var known = Tables(runtime, graph).Select(t => t.Table.Name).Distinct().Order();
                return ErrorResult(StatusCodes.Status404NotFound,
                    $"no function in topology '{runtime.Topology.Name}' has a '{table}' table; tables here: {string.Join(", ", known)}");
            }
            // Rows are read on the worker thread, between batches: the functions' tables need no locks.
            var rows = await graph.Worker.InvokeAsync(() =>
                matches.SelectMany(m => m.Table.Rows().Select(r => (IReadOnlyList<string>)[m.Function, .. r])).Take(limit).ToList());
            return Results.Json(new { table, columns = (string[])["function", .. matches[0].Table.Columns], rows });
        });
        app.MapGet("/api/trace", (HttpContext context) => TraceAsync(context, runtime));
        app.MapGet("/api/capture/{link}", (string link, HttpContext context) => CaptureAsync(context, runtime, link));
        app.MapFallback((HttpContext context) => ErrorResult(StatusCodes.Status404NotFound,
            $"no such resource '{context.Request.Path}'; try /api/topology, /api/ports, /api/hosts, /api/functions, /api/tables, /api/tables/NAME, /api/trace, /api/capture/LINK or /metrics"));
    }

    private static object TopologyView(RunningTopology runtime)
    {
        var t = runtime.Topology;
        return new
        {
            name = t.Name,
            file = t.FilePath,
            running = runtime.Running is not null,
            functions = t.Functions.Select(f => new { name = f.Name, kind = f.Kind, ports = f.Blueprint.Ports }),
            ports = t.Ports.Select((p, i) => new { name = p.Name, tap = p.TapName, host = t.Hosts.FirstOrDefault(h => h.PortIndex == i)?.Name }),
            links = t.Links.Select(l => new[] { l.A.Display, l.B.Display }),
            hosts = t.Hosts.Select(h => new
            {
                name = h.Name,
                port = t.Ports[h.PortIndex].Name,
                address = h.Address?.ToString() ?? "dhcp",
                gateway = h.Gateway?.ToString(),
                dhcpClient = h.Dhcp is { } client ? DhcpClients.Name(client) : null,
            }),
        };
    }

    private static IEnumerable<(string Function, FunctionTable Table)> Tables(RunningTopology runtime, RunningGraph graph)
    {
        for (int i = 0; i < runtime.Topology.Functions.Count; i++)
        {
            if (graph.Function(i) is IInspectableFunction inspectable)
            {
                foreach (var table in inspectable.Tables)
                {
                    yield return (runtime.Topology.Functions[i].Name, table);
                }
            }
        }
    }

    private static bool TryLimit(HttpContext context, out int limit, out IResult? bad)
    {
        limit = DefaultRowLimit;
        bad = null;
        if (context.Request.Query.TryGetValue("limit", out var text) &&
            (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            bad = ErrorResult(StatusCodes.Status400BadRequest, $"limit must be a whole number of rows from 1, not '{text}'");
            return false;
        }
        return true;
    }

    /// <summary><c>up</c>, <c>no-carrier</c> or <c>gone</c>.</summary>
    // name, state, then every counter under the name its enum gives it (received_packets, ..., dropped_no_buffer, ...).
    private static Dictionary<string, object> PortView(PortNode node)
    {
        var counters = node.Port.Counters;
        var view = new Dictionary<string, object> { ["name"] = node.Port.Name, ["state"] = StateName(node.Port.State) };
        for (int t = 0; t < EventCounters<PortTraffic>.Names.Count; t++)
        {
            view[EventCounters<PortTraffic>.Names[t]] = counters.Traffic[(PortTraffic)t];
        }
        for (int r = 0; r < EventCounters<PortDrop>.Names.Count; r++)
        {
            view["dropped_" + EventCounters<PortDrop>.Names[r]] = counters.Drops[(PortDrop)r];
        }
        view["dropped_unconnected"] = node.Unconnected;
        return view;
    }

    internal static string StateName(PortState state) => state switch
    {
        PortState.Up => "up",
        PortState.NoCarrier => "no-carrier",
        _ => "gone",
    };

    private static IResult Running(RunningTopology runtime, Func<RunningGraph, IResult> answer) =>
        runtime.Running is { } graph ? answer(graph) : NotRunning();

    private static IResult NotRunning() => ErrorResult(StatusCodes.Status503ServiceUnavailable, "the dataplane is not running yet");

    private static IResult ErrorResult(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }
}

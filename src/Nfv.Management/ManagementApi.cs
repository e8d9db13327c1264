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

    /// <summary>Maps the API and <c>/metrics</c> onto <paramref name="app"/> for <paramref name="runtime"/>; with a <paramref name="token"/>, every request must bear it.</summary>
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
        app.MapGet("/api/topology", () => Results.Json(Topology(runtime), ManagementJson.Api.TopologyView));
        app.MapGet("/api/ports", () => Running(runtime, graph => Results.Json(graph.Graph.Ports.Select(Port), ManagementJson.Api.IEnumerablePortView)));
        app.MapGet("/api/hosts", () => runtime.Hosts is not { } hosts ? NotRunning() : Results.Json(runtime.Topology.Hosts.Select(h => new HostView(
            h.Name, runtime.Topology.Ports[h.PortIndex].Name, hosts.DownReason(h) is null ? "up" : "down", hosts.Describe(h))), ManagementJson.Api.IEnumerableHostView));
        app.MapPost("/api/hosts/{name}/restart", async (string name, HttpContext context) =>
        {
            if (runtime.Hosts is not { } hosts)
            {
                return NotRunning();
            }
            try
            {
                var detail = await hosts.RestartAsync(name, context.RequestAborted);
                var host = runtime.Topology.Hosts.First(h => h.Name == name);
                return Results.Json(new HostView(name, runtime.Topology.Ports[host.PortIndex].Name, "up", detail), ManagementJson.Api.HostView);
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
        app.MapGet("/api/functions", () => Running(runtime, graph => Results.Json(graph.Graph.Functions.Select((f, i) => new FunctionView(
            f.Name, runtime.Topology.Functions[i].Kind, f.ProcessedPackets, f.ProcessedBatches,
            f.DropReasons.Select((r, k) => (r, k)).ToDictionary(x => InspectionNames.SnakeCase(x.r), x => f.Drops[x.k]),
            (f.Function as IInspectableFunction)?.Events.ToDictionary(e => e.Name, e => e.Read()) ?? [])), ManagementJson.Api.IEnumerableFunctionView)));
        app.MapGet("/api/tables", () => Running(runtime, graph => Results.Json(Tables(runtime, graph).Select(t => new TableSummaryView(t.Function, t.Table.Name, t.Table.Count, t.Table.Capacity)),
            ManagementJson.Api.IEnumerableTableSummaryView)));
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
            return Results.Json(new TableRowsView(table, ["function", .. matches[0].Table.Columns], rows), ManagementJson.Api.TableRowsView);
        });
        app.MapGet("/api/trace", (HttpContext context) => TraceAsync(context, runtime));
        app.MapGet("/api/capture/{link}", (string link, HttpContext context) => CaptureAsync(context, runtime, link));
        app.MapFallback((HttpContext context) => ErrorResult(StatusCodes.Status404NotFound,
            $"no such resource '{context.Request.Path}'; try /api/topology, /api/ports, /api/hosts, /api/functions, /api/tables, /api/tables/NAME, /api/trace, /api/capture/LINK or /metrics"));
    }

    private static TopologyView Topology(RunningTopology runtime)
    {
        var t = runtime.Topology;
        return new TopologyView(t.Name, t.FilePath, runtime.Running is not null,
            [.. t.Functions.Select(f => new TopologyFunctionView(f.Name, f.Kind, f.Blueprint.Ports))],
            [.. t.Ports.Select((p, i) => new TopologyPortView(p.Name, p.TapName, p.Describe(), t.Hosts.FirstOrDefault(h => h.PortIndex == i)?.Name))],
            [.. t.Links.Select(l => new[] { l.A.Display, l.B.Display })],
            [.. t.Hosts.Select(h => new TopologyHostView(h.Name, t.Ports[h.PortIndex].Name, h.Addressing, h.Gateways,
                h.Dhcp is { } client ? DhcpClients.Name(client) : null))]);
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

    // Every counter under the name its enum gives it, as the metrics name them.
    private static PortView Port(PortNode node)
    {
        var counters = node.Port.Counters;
        var traffic = new Dictionary<string, long>();
        for (int t = 0; t < EventCounters<PortTraffic>.Names.Count; t++)
        {
            traffic[EventCounters<PortTraffic>.Names[t]] = counters.Traffic[(PortTraffic)t];
        }
        var dropped = new Dictionary<string, long>();
        for (int r = 0; r < EventCounters<PortDrop>.Names.Count; r++)
        {
            dropped[EventCounters<PortDrop>.Names[r]] = counters.Drops[(PortDrop)r];
        }
        dropped["unconnected"] = node.Unconnected;
        return new PortView(node.Port.Name, StateName(node.Port.State), traffic, dropped);
    }

    /// <summary><c>up</c>, <c>no-carrier</c> or <c>gone</c>.</summary>
    internal static string StateName(PortState state) => state switch
    {
        PortState.Up => "up",
        PortState.NoCarrier => "no-carrier",
        _ => "gone",
    };

    private static IResult Running(RunningTopology runtime, Func<RunningGraph, IResult> answer) =>
        runtime.Running is { } graph ? answer(graph) : NotRunning();

    private static IResult NotRunning() => ErrorResult(StatusCodes.Status503ServiceUnavailable, "the dataplane is not running yet");

    private static IResult ErrorResult(int status, string message) => Results.Json(new ErrorView(message), ManagementJson.Api.ErrorView, statusCode: status);

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorView(message), ManagementJson.Api.ErrorView);
    }
}

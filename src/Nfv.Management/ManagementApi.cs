using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
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
            bool action = (HttpMethods.IsPost(context.Request.Method) &&
                    (context.Request.Path.StartsWithSegments("/api/hosts") || context.Request.Path.StartsWithSegments("/api/apply"))) ||
                (HttpMethods.IsPut(context.Request.Method) && context.Request.Path.StartsWithSegments("/api/functions"));
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !action)
            {
                await Error(context, StatusCodes.Status405MethodNotAllowed,
                    $"the management API reads: {context.Request.Method} is not allowed here, only GET (and POST /api/hosts/NAME/restart, POST /api/apply, PUT /api/functions/NAME/config)");
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
        MapWebView(app, runtime);
        app.MapGet("/api/topology", async () => Results.Json(await TopologyAsync(runtime), ManagementJson.Api.TopologyView));
        app.MapGet("/api/ports", () => Running(runtime, graph => Results.Json(graph.Graph.Ports.Select(Port), ManagementJson.Api.IEnumerablePortView)));
        app.MapGet("/api/hosts", () => runtime.Hosts is not { } hosts ? NotRunning() : Results.Json(runtime.Topology.Hosts.Select(h => new HostView(
            h.Name, runtime.Topology.Ports[h.PortIndex].Name, hosts.DownReason(h) is null ? "up" : "down", hosts.Describe(h))), ManagementJson.Api.IEnumerableHostView));
        app.MapPost("/api/apply", (HttpContext context, CancellationToken aborted) => ApplyAsync(context, runtime, aborted));
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
        app.MapGet("/api/functions", () => Running(runtime, graph => Results.Json(graph.Graph.Functions.Select((f, i) => View(f, runtime.Topology.Functions[i].Kind)),
            ManagementJson.Api.IEnumerableFunctionView)));
        app.MapGet("/api/tables", () => Running(runtime, graph => Results.Json(Tables(graph).Select(t => new TableSummaryView(t.Function, t.Table.Name, t.Table.Count, t.Table.Capacity)),
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
            if (!TryEachInstance(context, out bool eachInstance, out bad))
            {
                return bad!;
            }
            var matches = Tables(graph, eachInstance).Where(t => t.Table.Name == table).ToList();
            if (matches.Count == 0)
            {
                var known = Tables(graph).Select(t => t.Table.Name).Distinct().Order();
                return ErrorResult(StatusCodes.Status404NotFound,
                    $"no function in topology '{runtime.Topology.Name}' has a '{table}' table; tables here: {string.Join(", ", known)}");
            }
            // Rows are read on the worker thread, between batches: the functions' tables need no locks.
            var rows = await graph.Worker.InvokeAsync(() =>
                matches.SelectMany(m => m.Table.Rows().Select(r => (IReadOnlyList<string>)[m.Function, .. r])).Take(limit).ToList());
            return Results.Json(new TableRowsView(table, ["function", .. matches[0].Table.Columns], rows), ManagementJson.Api.TableRowsView);
        });
        app.MapGet("/api/where/{query}", (string query) => WhereAsync(runtime, query));
        app.MapPut("/api/functions/{name}/config", (string name, HttpContext context) => ReconfigureAsync(context, runtime, name));
        app.MapGet("/api/links", async () => runtime.Running is not { } graph
            ? NotRunning()
            : Results.Json(await LinksAsync(runtime, graph), ManagementJson.Api.IEnumerableLinkView));
        app.MapGet("/api/trace", (HttpContext context) => TraceAsync(context, runtime));
        app.MapGet("/api/capture/{link}", (string link, HttpContext context) => CaptureAsync(context, runtime, link));
        app.MapFallback((HttpContext context) => ErrorResult(StatusCodes.Status404NotFound,
            $"no such resource '{context.Request.Path}'; try /api/topology, /api/ports, /api/hosts, /api/functions, /api/tables, /api/tables/NAME, /api/where/QUERY, /api/trace, /api/capture/LINK, /api/events, /metrics, or / (the web view)"));
    }

    private static async Task<IResult> WhereAsync(RunningTopology runtime, string query)
    {
        if (runtime.Running is not { } graph)
        {
            return NotRunning();
        }
        var t = runtime.Topology;
        var hosts = t.Hosts.Select(h => new WhereHost(h.Name, t.Ports[h.PortIndex].Name, Lab.LabEnvironment.MacOf(h).ToString(),
            [.. (runtime.Hosts?.Addressing(h) ?? h.Addressing).Split(", ").Where(a => a.Contains('.') || a.Contains(':'))])).ToList();
        // Rows are read on the worker thread, between batches, as for /api/tables.
        var tables = await graph.Worker.InvokeAsync(() => Tables(graph).Where(x => WhereQuery.Tables.Contains(x.Table.Name))
            .Select(x => new WhereTable(x.Function, x.Table.Name, x.Table.Columns, [.. x.Table.Rows()])).ToList());
        return WhereQuery.Answer(query, hosts, tables) is { } answer
            ? Results.Json(answer, ManagementJson.Api.WhereView)
            : ErrorResult(StatusCodes.Status404NotFound,
                $"nothing in topology '{t.Name}' knows '{query}': it is no lab host ({string.Join(", ", t.Hosts.Select(h => h.Name))}), and no MAC table, ARP or neighbour cache, lease or NAT session holds it (a MAC or IP address is looked up in them)");
    }

    private static async Task<TopologyView> TopologyAsync(RunningTopology runtime)
    {
        var t = runtime.Topology;
        var guestLeases = await GuestLeasesAsync(runtime);
        string Addressing(ResolvedHost h) => h.Vm is not null && h.Dhcp is not null && guestLeases.TryGetValue(Lab.LabEnvironment.MacOf(h).ToString(), out var lease)
            ? string.Join(", ", new[] { lease, h.Ipv6Addressing }.Where(a => a.Length > 0))
            : runtime.Hosts?.Addressing(h) ?? h.Addressing;
        return new TopologyView(t.Name, t.FilePath, runtime.Running is not null,
            [.. t.Functions.Select(f => new TopologyFunctionView(f.Name, f.Kind, f.Blueprint.Ports))],
            [.. t.Ports.Select((p, i) => new TopologyPortView(p.Name, p.TapName, p.Describe(), t.Hosts.FirstOrDefault(h => h.PortIndex == i)?.Name))],
            [.. t.Links.Select(l => new[] { l.A.Display, l.B.Display })],
            [.. t.Hosts.Select(h => new TopologyHostView(h.Name, t.Ports[h.PortIndex].Name, Addressing(h), h.Gateways,
                h.Dhcp is { } client ? DhcpClients.Name(client) : null))]);
    }

    // A VM's guest runs its own DHCP client, so nfv learns its lease where a DHCP server of the topology keeps it: by the
    // guest's MAC in a 'leases' table. MAC -> leased address; empty without VM DHCP hosts (nothing is read then).
    private static async Task<Dictionary<string, string>> GuestLeasesAsync(RunningTopology runtime)
    {
        if (runtime.Running is not { } graph || !runtime.Topology.Hosts.Any(h => h.Vm is not null && h.Dhcp is not null))
        {
            return [];
        }
        return await graph.Worker.InvokeAsync(() =>
        {
            var leases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (_, table) in Tables(graph).Where(x => x.Table.Name == "leases"))
            {
                int mac = Column(table, "mac"), address = Column(table, "address"), state = Column(table, "state");
                foreach (var row in table.Rows().Where(r => mac >= 0 && address >= 0 && (state < 0 || r[state] == "bound")))
                {
                    leases[row[mac]] = row[address];
                }
            }
            return leases;
        });

        static int Column(FunctionTable table, string name) => table.Columns.ToList().IndexOf(name);
    }

    private static IEnumerable<(string Function, FunctionTable Table)> Tables(RunningGraph graph, bool eachInstance = false) =>
        graph.Graph.Functions.SelectMany(f => InstanceTables.Of(f, eachInstance));

    // ?instances=each lists a function run per worker instance by instance; ?instances=merged (the default) as one table.
    private static bool TryEachInstance(HttpContext context, out bool eachInstance, out IResult? bad)
    {
        string? text = context.Request.Query.TryGetValue("instances", out var value) ? value.ToString() : null;
        eachInstance = text == "each";
        bad = text is null or "each" or "merged" ? null
            : ErrorResult(StatusCodes.Status400BadRequest, $"instances must be 'each' (a row per instance, under NAME@WORKER) or 'merged' (the default), not '{text}'");
        return bad is null;
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

    // POST /api/apply[?dry-run=true&path=FILE]: the topology file's text as the body; the plan, and whether it was applied.
    // 200 when applied (or planned, for a dry run), 422 when the file or the lab refused it: nothing changed then.
    private static async Task<IResult> ApplyAsync(HttpContext context, RunningTopology runtime, CancellationToken aborted)
    {
        if (runtime.Applier is not { } applier)
        {
            return NotRunning();
        }
        using var body = new StreamReader(context.Request.Body);
        string text = await body.ReadToEndAsync(aborted);
        bool dryRun = context.Request.Query["dry-run"] is { Count: > 0 } flag && flag[0] is "true" or "1" or "";
        string path = context.Request.Query["path"] is { Count: > 0 } given && !string.IsNullOrEmpty(given[0]) ? given[0]! : runtime.Topology.FilePath;
        var result = await applier.ApplyAsync(text, path, dryRun, aborted);
        return Results.Json(result, ManagementJson.Api.ApplyResult,
            statusCode: result.Errors.Count > 0 && !result.Applied ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
    }

    // PUT /api/functions/NAME/config: the function's new settings (YAML or JSON, the mapping a topology file would give
    // it; kind may be left out), checked and adopted on the worker thread by a function that can (IReconfigurableFunction).
    private static async Task<IResult> ReconfigureAsync(HttpContext context, RunningTopology runtime, string name)
    {
        if (runtime.Running is not { } graph)
        {
            return NotRunning();
        }
        int index = runtime.Topology.Functions.ToList().FindIndex(f => f.Name == name);
        if (index < 0)
        {
            return ErrorResult(StatusCodes.Status404NotFound, $"topology '{runtime.Topology.Name}' has no function '{name}'");
        }
        string kind = runtime.Topology.Functions[index].Kind;
        var instances = graph.Instances(index).Select(i => i.Function as IReconfigurableFunction).ToList();
        if (instances.Contains(null))
        {
            return ErrorResult(StatusCodes.Status409Conflict, $"function '{name}' ({kind}) cannot change its settings while it runs");
        }
        using var body = new StreamReader(context.Request.Body);
        string text = await body.ReadToEndAsync(context.RequestAborted);
        var diagnostics = new DiagnosticBag();
        var node = TopologyLoader.ParseYaml(text.Length == 0 ? "{}" : text, "request", diagnostics);
        if (node is not null and not ConfigMapping)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, node.Span, $"the settings of function '{name}' must be a mapping such as {{ delay: 20ms }}, not {node.Describe()}");
        }
        if (node is ConfigMapping settings)
        {
            if (settings["kind"] is ConfigScalar given && given.Value != kind)
            {
                diagnostics.Error(DiagnosticCodes.UnknownKind, given.Span, $"function '{name}' is a {kind}; it cannot become a {given.Value} while it runs");
            }
            else
            {
                var withKind = settings["kind"] is null
                    ? new ConfigMapping([new(new ConfigScalar("kind", settings.Span), new ConfigScalar(kind, settings.Span)), .. settings.Entries], settings.Span)
                    : settings;
                // Instances share their settings, so they accept or refuse them alike: the first to refuse stops the rest.
                await graph.Worker.InvokeAsync(() => instances.All(function => function!.Reconfigure(withKind, diagnostics)));
            }
        }
        return diagnostics.HasErrors
            ? ErrorResult(StatusCodes.Status400BadRequest, $"function '{name}' keeps its settings: {string.Join("; ", diagnostics.Items.Select(d => d.ToString()))}")
            : Results.Json(new ReconfiguredView(name, kind), ManagementJson.Api.ReconfiguredView);
    }

    // Each link, and the impairment on it: a link that passes through an impair function (one of the topology's, or the
    // one a link's impair: made) is shown once, end to end, with what the function's table says it does.
    private static async Task<List<LinkView>> LinksAsync(RunningTopology runtime, RunningGraph graph)
    {
        var topology = runtime.Topology;
        var impairs = topology.Functions.Select((f, i) => (f, i)).Where(x => x.f.Kind == "impair").ToDictionary(x => x.i, x => x.f.Name);
        var describe = new Dictionary<int, string>();
        var counts = new Dictionary<int, string>();
        foreach (var (i, _) in impairs)
        {
            var table = (graph.Graph.Functions[i].Function as IInspectableFunction)?.Tables.FirstOrDefault(t => t.Name == "impair");
            describe[i] = table is null ? "" : string.Join("; ", await graph.Worker.InvokeAsync(() => table.Rows().Select(r => $"{r[0]}: {r[1]}").ToList()));
            counts[i] = Counts(View(graph.Graph.Functions[i], topology.Functions[i].Kind));
        }
        var links = new List<LinkView>();
        var seen = new HashSet<ResolvedLink>();
        foreach (var link in topology.Links)
        {
            if (!seen.Add(link))
            {
                continue;
            }
            if (link.B.Kind == EndpointKind.Function && impairs.ContainsKey(link.B.Index) &&
                topology.Links.FirstOrDefault(l => l != link && l.A.Kind == EndpointKind.Function && l.A.Index == link.B.Index) is { } onward)
            {
                seen.Add(onward);
                links.Add(new LinkView(link.A.Display, onward.B.Display, impairs[link.B.Index], describe[link.B.Index], counts[link.B.Index], link.Capture));
            }
            else
            {
                links.Add(new LinkView(link.A.Display, link.B.Display, null, null, null, link.Capture));
            }
        }
        return links;

        // What an impairment did so far, the counts that are not zero: "delayed 120, passed 8; dropped: queue_full 3".
        static string Counts(FunctionView view)
        {
            static IEnumerable<string> NonZero(IReadOnlyDictionary<string, long> counts) => counts.Where(c => c.Value != 0).Select(c => $"{c.Key} {c.Value}");
            var drops = NonZero(view.Drops).ToList();
            return string.Join(", ", NonZero(view.Events)) + (drops.Count == 0 ? "" : $"; dropped: {string.Join(", ", drops)}");
        }
    }

    // A function's counters as /api/functions gives them: drops by reason (snake_case) and the function's own events.
    private static FunctionView View(FunctionNode f, string kind) => new(f.Name, kind, f.Instances.Count, f.ProcessedPackets, f.ProcessedBatches,
        f.DropReasons.Zip(f.TotalDrops()).ToDictionary(x => InspectionNames.SnakeCase(x.First), x => x.Second),
        f.TotalEvents().ToDictionary(e => e.Name, e => e.Count));

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

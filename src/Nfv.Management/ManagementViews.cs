using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nfv.Management;

// What the management API answers, one record per shape, serialized by the source-generated ManagementJson (snake_case
// names, no reflection). The CLI (nfv show, trace) reads the same names.

/// <summary><c>/api/topology</c>: the topology being run.</summary>
public sealed record TopologyView(string Name, string File, bool Running, IReadOnlyList<TopologyFunctionView> Functions,
    IReadOnlyList<TopologyPortView> Ports, IReadOnlyList<string[]> Links, IReadOnlyList<TopologyHostView> Hosts);

/// <summary>A function of the topology: its name, kind and port names.</summary>
public sealed record TopologyFunctionView(string Name, string Kind, IReadOnlyList<string> Ports);

/// <summary>An external port of the topology: its TAP (null for a tunnel), what it is, and the lab host on it if any.</summary>
public sealed record TopologyPortView(string Name, string? Tap, string Kind, string? Host);

/// <summary>A lab host as the topology declares it.</summary>
public sealed record TopologyHostView(string Name, string Port, string Address, string? Gateway, string? DhcpClient);

/// <summary><c>/api/ports</c>: one port's state and counters, named as the metrics name them.</summary>
public sealed record PortView(string Name, string State, IReadOnlyDictionary<string, long> Traffic, IReadOnlyDictionary<string, long> Dropped);

/// <summary><c>/api/hosts</c> and a restart's answer: a lab host's state.</summary>
public sealed record HostView(string Name, string Port, string State, string Detail);

/// <summary>
/// <c>/api/functions</c>: a running function's counters, summed over its instances (one, or one per worker for a function
/// run as an instance per worker).
/// </summary>
public sealed record FunctionView(string Name, string Kind, int Instances, long ProcessedPackets, long ProcessedBatches,
    IReadOnlyDictionary<string, long> Drops, IReadOnlyDictionary<string, long> Events);

/// <summary><c>/api/tables</c>: a function's table, its size and bound.</summary>
public sealed record TableSummaryView(string Function, string Table, int Entries, int Capacity);

/// <summary><c>/api/tables/NAME</c>: the rows of every table of that name, each starting with its function.</summary>
public sealed record TableRowsView(string Table, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>One traced packet of <c>/api/trace</c>'s stream.</summary>
public sealed record TraceView(int Number, DateTimeOffset Time, string Port, int Length, string Summary, IReadOnlyList<TraceStepView> Steps, int Truncated);

/// <summary>One step of a traced packet: where it was and what happened.</summary>
public sealed record TraceStepView(int Hop, string Function, string? Input, string Kind, string Text);

/// <summary>The last line of <c>/api/trace</c>'s stream: why it ended.</summary>
public sealed record TraceEndView(string End, int Traced, int Count, int Timeout);

/// <summary>
/// <c>/api/links</c>: a wire between two ends, the impair function on it (what it is set to do, and its counts so far:
/// packets delayed, passed, duplicated, reordered, corrupted, and dropped by reason), and its capture file.
/// </summary>
public sealed record LinkView(string A, string B, string? Impair, string? Impairment, string? Counts, string? Capture);

/// <summary>The answer to new settings a function adopted.</summary>
public sealed record ReconfiguredView(string Function, string Kind);

/// <summary><c>/api/where/QUERY</c>: what the running functions know of a host, MAC or address (<see cref="WhereQuery"/>).</summary>
public sealed record WhereView(string Query, string? Host, string? Port, IReadOnlyList<string> Macs, IReadOnlyList<string> Addresses,
    IReadOnlyList<WhereSeenView> Seen, IReadOnlyList<WhereLeaseView> Leases, IReadOnlyList<WhereNeighbourView> Neighbours,
    IReadOnlyList<WhereNatView> Nat, string Summary);

/// <summary>A switch that learned the MAC: on which port and VLAN, how long ago it last saw it.</summary>
public sealed record WhereSeenView(string Function, string Port, string Vlan, long? AgeSeconds);

/// <summary>A DHCP server's lease of one of the addresses.</summary>
public sealed record WhereLeaseView(string Function, string Address, string State, string Hostname, long? ExpiresInSeconds);

/// <summary>A router's ARP or neighbour entry for one of the addresses.</summary>
public sealed record WhereNeighbourView(string Function, string Interface, string Address, string Mac, string State);

/// <summary>A NAT session from one of the addresses.</summary>
public sealed record WhereNatView(string Function, string Protocol, string Inside, string External, string Remote, string State);

/// <summary>One event of <c>/api/events</c>: when, and every port's and function's counters then.</summary>
public sealed record CountersView(long Time, IReadOnlyList<PortCountersView> Ports, IReadOnlyList<FunctionCountersView> Functions);

/// <summary>A port's state and packet counters (cumulative).</summary>
public sealed record PortCountersView(string Name, string State, long Received, long Sent, long Dropped);

/// <summary>A function's packet counters (cumulative).</summary>
public sealed record FunctionCountersView(string Name, long Processed, long Dropped);

/// <summary>Every answer that is not data: why.</summary>
public sealed record ErrorView(string Error);

/// <summary>
/// The API's JSON, generated at build time. Use <see cref="Api"/>: it writes text as people read it (a quote stays a
/// quote, not <c>\u0027</c>), since this JSON is read by tools and terminals, never embedded in a web page.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TopologyView))]
[JsonSerializable(typeof(IEnumerable<PortView>))]
[JsonSerializable(typeof(IEnumerable<HostView>))]
[JsonSerializable(typeof(HostView))]
[JsonSerializable(typeof(IEnumerable<FunctionView>))]
[JsonSerializable(typeof(IEnumerable<TableSummaryView>))]
[JsonSerializable(typeof(TableRowsView))]
[JsonSerializable(typeof(TraceView))]
[JsonSerializable(typeof(TraceEndView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(WhereView))]
[JsonSerializable(typeof(CountersView))]
[JsonSerializable(typeof(IEnumerable<LinkView>))]
[JsonSerializable(typeof(ReconfiguredView))]
[JsonSerializable(typeof(ApplyResult))]
public sealed partial class ManagementJson : JsonSerializerContext
{
    /// <summary>The context the API serializes with.</summary>
    public static ManagementJson Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

namespace Nfv.Abstractions.Inspection;

/// <summary>
/// A function that lets an operator look inside without a debugger: its tables (MAC, ARP, routes,
/// leases, sessions) for <c>nfv show</c> and the management API, and its own event counters for metrics.
/// </summary>
/// <remarks>
/// Both are read from threads other than the worker's (a scrape, an API request): what they return must be
/// safe to read while the function runs, and may lag it slightly.
/// </remarks>
public interface IInspectableFunction
{
    /// <summary>The function's tables, each with a short lower-case name (<c>mac</c>, <c>arp</c>, <c>routes</c>).</summary>
    IReadOnlyList<FunctionTable> Tables { get; }

    /// <summary>What the function counts besides its drops: events such as <c>learned</c> or <c>flooded</c>.</summary>
    IReadOnlyList<FunctionCounter> Events { get; }
}

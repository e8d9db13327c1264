namespace Nfv.Abstractions.Inspection;

/// <summary>
/// A function that lets an operator look inside without a debugger: its tables (MAC, ARP, routes,
/// leases, sessions) for <c>nfv show</c> and the management API, and its own event counters for metrics.
/// </summary>
/// <remarks>
/// Table rows are read on the function's own worker thread (see <see cref="FunctionTable"/>); table counts and
/// counters are read from other threads (a scrape) and must be plain reads that may lag the worker slightly.
/// </remarks>
public interface IInspectableFunction
{
    /// <summary>The function's tables, each with a short lower-case name (<c>mac</c>, <c>arp</c>, <c>routes</c>).</summary>
    IReadOnlyList<FunctionTable> Tables { get; }

    /// <summary>What the function counts besides its drops: events such as <c>learned</c> or <c>flooded</c>.</summary>
    IReadOnlyList<FunctionCounter> Events { get; }
}

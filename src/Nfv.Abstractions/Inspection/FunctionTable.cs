namespace Nfv.Abstractions.Inspection;

/// <summary>
/// One table of a function, as text: named columns and rows, plus its size and bound for metrics.
/// Reading the rows allocates (it is for people and the API, never the packet path).
/// </summary>
public sealed class FunctionTable
{
    private readonly Func<int> _count;
    private readonly Func<IEnumerable<IReadOnlyList<string>>> _rows;

    /// <summary>Creates a table view.</summary>
    /// <param name="name">Short lower-case name: <c>mac</c>, <c>arp</c>, <c>routes</c>, <c>leases</c>, <c>nat</c>.</param>
    /// <param name="columns">Column names, lower case with underscores.</param>
    /// <param name="capacity">The table's bound (0 when it has none).</param>
    /// <param name="count">Entries now; cheap and safe to call from any thread (metrics read it at scrape time).</param>
    /// <param name="rows">
    /// The rows, each with one value per column. The host calls this on the worker thread that runs the function,
    /// between batches, so it may read the function's tables directly, without locks.
    /// </param>
    public FunctionTable(string name, IReadOnlyList<string> columns, int capacity, Func<int> count, Func<IEnumerable<IReadOnlyList<string>>> rows)
    {
        Name = name;
        Columns = columns;
        Capacity = capacity;
        _count = count;
        _rows = rows;
    }

    /// <summary>The table's name.</summary>
    public string Name { get; }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The most entries the table holds (0 when unbounded).</summary>
    public int Capacity { get; }

    /// <summary>Entries now.</summary>
    public int Count => _count();

    /// <summary>
    /// True for a table whose rows come from the settings alone (a router's routes): every instance of a function run
    /// per worker holds the same rows, so the views list it once, under the function's own name, not once per instance.
    /// </summary>
    public bool SameInEveryInstance { get; init; }

    /// <summary>A snapshot of the rows.</summary>
    public IEnumerable<IReadOnlyList<string>> Rows() => _rows();
}

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

    /// <summary>
    /// The most entries the table holds (0 when unbounded); for a function run as an instance per worker, what its
    /// instances hold together (each instance reports the whole).
    /// </summary>
    public int Capacity { get; }

    /// <summary>Entries now.</summary>
    public int Count => _count();

    /// <summary>
    /// True for a table whose rows come from the settings alone (a router's routes): every instance of a function run
    /// per worker holds the same rows, so the views list it once, under the function's own name, not once per instance.
    /// </summary>
    public bool SameInEveryInstance { get; init; }

    /// <summary>
    /// How many leading columns name a row (a switch's VLAN and MAC). The views show a function run as an instance per
    /// worker as one table (<see cref="OfInstances"/>), where rows of several instances with one name are one row; 0 when
    /// no columns name a row (every instance's rows are shown).
    /// </summary>
    public int KeyColumns { get; init; }

    /// <summary>
    /// The column saying how many seconds ago a row was last confirmed: of rows of several instances with one name
    /// (<see cref="KeyColumns"/>), the youngest is shown, the latest sighting, which the instances act on soonest. Null:
    /// the first instance's row.
    /// </summary>
    public string? AgeColumn { get; init; }

    /// <summary>A snapshot of the rows.</summary>
    public IEnumerable<IReadOnlyList<string>> Rows() => _rows();

    /// <summary>
    /// The table of a function run as an instance per worker, from its instances' tables of one name (each instance's
    /// own; <paramref name="tables"/>[0] is the first instance's): entries summed over the instances, each of which holds
    /// its own; the bound of the first (a function run per worker reports in each instance the bound of the whole, which
    /// its instances hold together); the rows of every instance in turn, a row named (<see cref="KeyColumns"/>) like one
    /// already given shown once: the youngest (<see cref="AgeColumn"/>), else the first.
    /// </summary>
    public static FunctionTable OfInstances(IReadOnlyList<FunctionTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfZero(tables.Count);
        var first = tables[0];
        if (tables.Count == 1 || first.SameInEveryInstance)
        {
            return first;
        }
        return new FunctionTable(first.Name, first.Columns, first.Capacity, () => tables.Sum(t => t.Count), () => MergedRows(tables))
        {
            KeyColumns = first.KeyColumns,
            AgeColumn = first.AgeColumn,
        };
    }

    private static List<IReadOnlyList<string>> MergedRows(IReadOnlyList<FunctionTable> tables)
    {
        var first = tables[0];
        var rows = new List<IReadOnlyList<string>>();
        if (first.KeyColumns == 0)
        {
            rows.AddRange(tables.SelectMany(t => t.Rows()));
            return rows;
        }
        int age = first.AgeColumn is { } column ? first.Columns.ToList().IndexOf(column) : -1;
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in tables.SelectMany(t => t.Rows()))
        {
            string key = string.Join('\u001f', row.Take(first.KeyColumns));
            if (!byKey.TryGetValue(key, out int at))
            {
                byKey[key] = rows.Count;
                rows.Add(row);
            }
            else if (age >= 0 && Seconds(row[age]) < Seconds(rows[at][age]))
            {
                rows[at] = row;
            }
        }
        return rows;

        static double Seconds(string text) =>
            double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : double.MaxValue;
    }
}

using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Nfv.Abstractions.Inspection;

/// <summary>
/// What a function counts besides its drops, declared once as an enum, as drop reasons are: each member is an event,
/// its name (snake case: <c>FloodedTableFull</c> → <c>flooded_table_full</c>) is the <c>event</c> label of
/// <c>nfv_function_events_total</c> and the API, and its <see cref="DescriptionAttribute"/> the help text (else its name in words). The counts
/// live in one array.
/// </summary>
/// <typeparam name="TEvent">An int enum whose members are 0..n-1 in order.</typeparam>
/// <remarks>
/// Written only by the worker that runs the function, with plain increments (no interlocked cost on the packet path);
/// read from any thread with <see cref="Volatile"/> (a 64-bit read is atomic where nfv runs), so a scrape may lag the
/// worker by a few packets.
/// </remarks>
public sealed class EventCounters<TEvent> where TEvent : unmanaged, Enum
{
    private static readonly (string Name, string Help)[] s_events = Declare();

    private readonly long[] _counts = new long[s_events.Length];
    private readonly EventCounters<TEvent>[]? _parts; // a sum's: read through, never written

    /// <summary>Counters at zero, to be written by one worker.</summary>
    public EventCounters()
    {
    }

    private EventCounters(EventCounters<TEvent>[] parts) => _parts = parts;

    /// <summary>
    /// A read-only view that sums <paramref name="parts"/>, each written by its own worker (a TAP's queues): reading it
    /// reads them all; nothing may be counted into it.
    /// </summary>
    public static EventCounters<TEvent> Sum(IEnumerable<EventCounters<TEvent>> parts) => new([.. parts]);

    /// <summary>The events' names, snake case, in value order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_events.Select(e => e.Name)];

    /// <summary>The events' help texts, in value order.</summary>
    public static IReadOnlyList<string> Helps { get; } = [.. s_events.Select(e => e.Help)];

    /// <summary>Counts one <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(TEvent e) => _counts[Unsafe.BitCast<TEvent, int>(e)]++;

    /// <summary>Counts <paramref name="count"/> of <paramref name="e"/> at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(TEvent e, long count) => _counts[Unsafe.BitCast<TEvent, int>(e)] += count;

    /// <summary>How many <paramref name="e"/> so far; safe from any thread.</summary>
    public long this[TEvent e] => Read(Unsafe.BitCast<TEvent, int>(e));

    private long Read(int index)
    {
        if (_parts is null)
        {
            return Volatile.Read(ref _counts[index]);
        }
        long sum = 0;
        foreach (var part in _parts)
        {
            sum += part.Read(index);
        }
        return sum;
    }

    /// <summary>
    /// The counters as inspection sees them (<see cref="IInspectableFunction.Events"/>), each named
    /// <paramref name="prefix"/> + the member's snake-case name, its help <paramref name="helpPrefix"/> + its description.
    /// </summary>
    public IReadOnlyList<FunctionCounter> Describe(string prefix = "", string helpPrefix = "")
    {
        var counters = new FunctionCounter[s_events.Length];
        for (int i = 0; i < counters.Length; i++)
        {
            int index = i;
            counters[i] = new FunctionCounter(prefix + s_events[i].Name, helpPrefix + s_events[i].Help, () => Read(index));
        }
        return counters;
    }

    private static (string, string)[] Declare()
    {
        if (Unsafe.SizeOf<TEvent>() != sizeof(int))
        {
            throw new NotSupportedException($"{typeof(TEvent).Name}: event enums must be int-sized.");
        }
        var fields = typeof(TEvent).GetFields(BindingFlags.Public | BindingFlags.Static);
        var events = new (string, string)[fields.Length];
        foreach (var field in fields)
        {
            int value = Convert.ToInt32(field.GetValue(null), System.Globalization.CultureInfo.InvariantCulture);
            if ((uint)value >= (uint)events.Length || events[value].Item1 is not null)
            {
                throw new NotSupportedException($"{typeof(TEvent).Name}: event values must be 0..{events.Length - 1}, each once ({field.Name} is {value}).");
            }
            events[value] = (InspectionNames.SnakeCase(field.Name), field.GetCustomAttribute<DescriptionAttribute>()?.Description ?? InspectionNames.SnakeCase(field.Name).Replace('_', ' '));
        }
        return events;
    }
}

namespace Nfv.Ip;

/// <summary>
/// A bound the instances of a function run per worker hold together: each instance's table takes a place here before
/// it adds an entry and gives it back when it removes one, so the function holds at most <see cref="Capacity"/> entries
/// over all its instances, as it would run once (a switch's <c>mac-table-size</c>, a router's ARP cache). Taken on a
/// new entry only, never per packet of a flow; one interlocked operation, no lock.
/// </summary>
/// <param name="capacity">The most entries the instances hold together.</param>
public sealed class SharedBound(int capacity)
{
    private int _held;

    /// <summary>The most entries the instances hold together.</summary>
    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A bound holds at least one entry.");

    /// <summary>Entries the instances hold now. Readable from any thread.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>True when the instances hold <see cref="Capacity"/> entries.</summary>
    public bool IsFull => Held >= Capacity;

    /// <summary>Takes a place for a new entry; false, taking nothing, when the instances hold <see cref="Capacity"/> already.</summary>
    public bool TryTake()
    {
        int held = Volatile.Read(ref _held);
        while (held < Capacity)
        {
            int seen = Interlocked.CompareExchange(ref _held, held + 1, held);
            if (seen == held)
            {
                return true;
            }
            held = seen;
        }
        return false;
    }

    /// <summary>Gives back the places of <paramref name="entries"/> removed entries.</summary>
    public void Give(int entries = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entries);
        if (Interlocked.Add(ref _held, -entries) < 0)
        {
            throw new InvalidOperationException("More places were given back than were taken.");
        }
    }
}

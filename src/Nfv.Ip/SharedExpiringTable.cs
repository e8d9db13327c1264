namespace Nfv.Ip;

/// <summary>
/// A small table the instances of a function run per worker share, under a lock: an entry is found until
/// <c>lifetime</c> timestamp ticks after it was put; at the bound, expired entries are dropped and, if none has, a new
/// key is not kept. For slow paths only (a neighbour or an address learned, a fragmented datagram placed), never per
/// packet of a flow.
/// </summary>
/// <param name="capacity">Most entries.</param>
/// <param name="lifetime">How long an entry is found after it was put, in ticks of the clock <c>now</c> comes from.</param>
public class SharedExpiringTable<TKey, TValue>(int capacity, long lifetime) where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long Put)> _entries = new(Math.Min(capacity, 1024));
    private readonly Lock _lock = new();
    private long _noneExpiresBefore = long.MinValue;

    /// <summary>
    /// Puts <paramref name="value"/> under <paramref name="key"/> as of <paramref name="now"/>, replacing what was there
    /// unless that was put as of a later time (instances publishing what they saw at different times: the latest wins).
    /// </summary>
    public void Put(TKey key, TValue value, long now)
    {
        lock (_lock)
        {
            bool known = _entries.TryGetValue(key, out var current);
            if (known && current.Put > now)
            {
                return;
            }
            if (!known && _entries.Count >= capacity && !MakeRoom(now))
            {
                return;
            }
            _entries[key] = (value, now);
        }
    }

    // At the bound: drops the expired entries; false when none has. Then no entry expires before the earliest expiry
    // seen, so until that time a new key is refused without walking the table again (a flood of new keys costs one walk).
    private bool MakeRoom(long now)
    {
        if (now < _noneExpiresBefore)
        {
            return false;
        }
        long earliest = long.MaxValue;
        foreach (var (old, entry) in _entries)
        {
            if (now - entry.Put >= lifetime)
            {
                _entries.Remove(old);
            }
            else
            {
                earliest = Math.Min(earliest, entry.Put + lifetime);
            }
        }
        if (_entries.Count < capacity)
        {
            return true;
        }
        _noneExpiresBefore = earliest;
        return false;
    }

    /// <summary>The value under <paramref name="key"/>, when it was put less than the lifetime before <paramref name="now"/>.</summary>
    public bool TryGet(TKey key, long now, out TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && now - entry.Put < lifetime)
            {
                value = entry.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }
}

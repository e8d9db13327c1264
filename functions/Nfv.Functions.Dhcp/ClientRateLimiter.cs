using Nfv.Abstractions.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// A token bucket per client MAC (chaddr): each MAC may send <c>rate</c> messages a second, in bursts of twice that,
/// so one client in a loop cannot starve the others. The table of buckets is bounded; idle buckets (full again) are
/// forgotten every second, and when the table is full new MACs pass unmetered (counted) rather than being refused:
/// a flood of random MACs is the pool's problem (each gets at most one offer), not a reason to lock out real clients.
/// </summary>
internal sealed class ClientRateLimiter
{
    private readonly Dictionary<MacAddress, Bucket> _buckets = [];
    private readonly double _rate;
    private readonly double _burst;
    private readonly int _capacity;

    /// <summary>Creates a limiter of <paramref name="rate"/> messages a second per MAC (0: unlimited).</summary>
    public ClientRateLimiter(int rate, int capacity = 16384)
    {
        _rate = rate;
        _burst = Math.Max(2.0 * rate, 1);
        _capacity = capacity;
    }

    /// <summary>MACs being metered.</summary>
    public int Count => _buckets.Count;

    /// <summary>Messages let through unmetered because the table was full.</summary>
    public long Unmetered { get; private set; }

    /// <summary>True when <paramref name="mac"/> may send one more message at <paramref name="nowSeconds"/>.</summary>
    public bool Allow(MacAddress mac, double nowSeconds)
    {
        if (_rate <= 0)
        {
            return true;
        }
        if (!_buckets.TryGetValue(mac, out var bucket))
        {
            if (_buckets.Count >= _capacity)
            {
                Unmetered++;
                return true;
            }
            bucket = new Bucket(_burst, nowSeconds);
        }
        double tokens = Math.Min(_burst, bucket.Tokens + (nowSeconds - bucket.Updated) * _rate);
        bool allowed = tokens >= 1;
        _buckets[mac] = new Bucket(allowed ? tokens - 1 : tokens, nowSeconds);
        return allowed;
    }

    /// <summary>Forgets MACs whose bucket has filled up again (idle long enough to be back at a full burst).</summary>
    public void Forget(double nowSeconds)
    {
        List<MacAddress>? idle = null;
        foreach (var (mac, bucket) in _buckets)
        {
            if (bucket.Tokens + (nowSeconds - bucket.Updated) * _rate >= _burst)
            {
                (idle ??= []).Add(mac);
            }
        }
        if (idle is not null)
        {
            foreach (var mac in idle)
            {
                _buckets.Remove(mac);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, double Updated);
}

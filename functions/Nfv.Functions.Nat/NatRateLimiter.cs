using System.Security.Cryptography;

namespace Nfv.Functions.Nat;

/// <summary>
/// How fast new sessions may be made: a token bucket for the NAT in all, and one per source address (the inside host for
/// an outbound flow, the remote host for an inbound one), each refilled at its rate a second with bursts of twice that.
/// A flood of new flows (SYN, UDP, scans) then fills the session table no faster than the limits allow, and one source
/// cannot take the others' share; sessions that exist are never touched.
/// </summary>
/// <remarks>
/// The per-source buckets are a bounded table (<see cref="Capacity"/> sources); when it is full a new source is metered
/// by the total bucket only, and counted (<see cref="Unmetered"/>), rather than refused: with random source addresses
/// the total limit is what holds. Source addresses are chosen by whoever sends, so the table hashes them with a seed of
/// its own and a non-linear mix (as the switch's MAC table does): no sender can aim addresses at one chain. Buckets full
/// again are forgotten on the NAT's timer. Allocation-free after construction.
/// </remarks>
internal sealed class NatRateLimiter
{
    /// <summary>Sources metered at once.</summary>
    public const int Capacity = 16384;

    private readonly double _rate;
    private readonly double _sourceRate;
    private readonly double _frequency;
    private readonly Dictionary<uint, Bucket> _sources;
    private Bucket _total;

    /// <summary>Limits of <paramref name="rate"/> new sessions a second in all and <paramref name="sourceRate"/> per source (0: no limit).</summary>
    public NatRateLimiter(int rate, int sourceRate, long timestampFrequency)
    {
        _rate = rate;
        _sourceRate = sourceRate;
        _frequency = timestampFrequency;
        _total = new Bucket(2.0 * rate, long.MinValue / 2); // "long ago": the first refill fills it
        _sources = sourceRate > 0 ? new Dictionary<uint, Bucket>(Capacity, new SeededComparer()) : [];
    }

    /// <summary>Sources being metered.</summary>
    public int Count => _sources.Count;

    /// <summary>New sessions of sources the full table could not meter (the total limit still applied).</summary>
    public long Unmetered { get; private set; }

    /// <summary>
    /// Takes a token for one new session of <paramref name="source"/> at <paramref name="now"/> (a timestamp), or says which
    /// limit refuses it: <see cref="NatDrop.SourceRateLimit"/> or <see cref="NatDrop.RateLimit"/>; null when allowed.
    /// </summary>
    public NatDrop? TryTake(uint source, long now)
    {
        bool metered = false;
        Bucket bucket = default;
        if (_sourceRate > 0)
        {
            if (_sources.TryGetValue(source, out bucket))
            {
                (bucket, metered) = (Refill(bucket, now, _sourceRate), true);
            }
            else if (_sources.Count < Capacity)
            {
                (bucket, metered) = (new Bucket(2.0 * _sourceRate, now), true);
            }
            else
            {
                Unmetered++;
            }
            if (metered && bucket.Tokens < 1)
            {
                _sources[source] = bucket;
                return NatDrop.SourceRateLimit;
            }
        }
        if (_rate > 0)
        {
            _total = Refill(_total, now, _rate);
            if (_total.Tokens < 1)
            {
                if (metered)
                {
                    _sources[source] = bucket; // its token is not spent: the flow was refused
                }
                return NatDrop.RateLimit;
            }
            _total = _total with { Tokens = _total.Tokens - 1 };
        }
        if (metered)
        {
            _sources[source] = bucket with { Tokens = bucket.Tokens - 1 };
        }
        return null;
    }

    /// <summary>Forgets sources whose bucket is full again: idle long enough to be back at a whole burst.</summary>
    public void Forget(long now)
    {
        if (_sources.Count == 0)
        {
            return;
        }
        foreach (var (source, bucket) in _sources)
        {
            if (Refill(bucket, now, _sourceRate).Tokens >= 2.0 * _sourceRate)
            {
                _sources.Remove(source); // removing while enumerating is allowed for Dictionary since .NET Core 3.0
            }
        }
    }

    /// <summary>The bucket at <paramref name="now"/>: the time since it was last updated, in timestamp ticks (not seconds
    /// since boot, which lose the fractions a double holds), turned into tokens up to the burst.</summary>
    private Bucket Refill(Bucket bucket, long now, double rate) => now <= bucket.Updated ? bucket
        : new(Math.Min(2.0 * rate, bucket.Tokens + (now - bucket.Updated) / _frequency * rate), now);

    private readonly record struct Bucket(double Tokens, long Updated);

    /// <summary>A seeded, non-linear hash of an address (murmur3's finaliser over the address xor a per-table seed).</summary>
    private sealed class SeededComparer : IEqualityComparer<uint>
    {
        private readonly uint _seed = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));

        public bool Equals(uint x, uint y) => x == y;

        public int GetHashCode(uint address)
        {
            uint h = address ^ _seed;
            h ^= h >> 16;
            h *= 0x85EBCA6B;
            h ^= h >> 13;
            h *= 0xC2B2AE35;
            h ^= h >> 16;
            return (int)h;
        }
    }
}

using System.Numerics;

namespace Nfv.Functions.Router;

/// <summary>
/// A longest-prefix-match table from IPv6 addresses to small integers (route indices), built once: one hash table
/// keyed by (prefix, length), probed for each prefix length present, longest first — the shape of VPP's
/// <c>ip6_fib</c> (a bihash per table, searched over a sorted array of the lengths in use) and of Waldvogel's
/// "binary search on prefix lengths" before its markers.
/// </summary>
/// <remarks>
/// A lookup masks the address once per length present and probes an open-addressing table at most half full (linear
/// probing, a multiplicative hash of both halves and the length): with the usual handful of lengths (/128 local,
/// /64 subnets, /48 sites, /0 default) that is a few cache misses, no compare against routes that cannot match, and no
/// allocation. A trie would bound the worst case better for hundreds of distinct lengths, which no lab has. Routes
/// do not change while the router runs (they come from the topology).
/// </remarks>
public sealed class Ipv6Fib
{
    // Parallel arrays rather than one array of slots: most probes of a longer length than the route's find an empty
    // slot, and the 4-byte values (1 MB at 100k routes) stay in cache where 32-byte slots would not (35 against 25 ns a
    // lookup, bench/README.md).
    private readonly int[] _lengths;        // distinct prefix lengths present, longest first
    private readonly UInt128[] _masks;      // the mask of each of _lengths
    private readonly UInt128[] _keys;       // slot: the prefix's network
    private readonly byte[] _keyLengths;    // slot: its length
    private readonly int[] _values;         // slot: route index + 1; 0 = empty
    private readonly int _shift;
    private readonly int _mask;

    private Ipv6Fib(int[] lengths, int slots)
    {
        _lengths = lengths;
        _masks = [.. lengths.Select(Mask)];
        _keys = new UInt128[slots];
        _keyLengths = new byte[slots];
        _values = new int[slots];
        _mask = slots - 1;
        _shift = 64 - BitOperations.Log2((uint)slots);
    }

    /// <summary>The distinct prefix lengths in the table, longest first (each costs a probe on a miss).</summary>
    public IReadOnlyList<int> Lengths => _lengths;

    /// <summary>
    /// Builds the table. Route <c>i</c> is <paramref name="prefixes"/>[i] (host bits are ignored); when two routes have
    /// the same prefix, the later one wins.
    /// </summary>
    public static Ipv6Fib Build(IReadOnlyList<(UInt128 Network, int Length)> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        foreach (var (_, length) in prefixes)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, 128u, nameof(prefixes));
        }
        int[] lengths = [.. prefixes.Select(p => p.Length).Distinct().OrderDescending()];
        var fib = new Ipv6Fib(lengths, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, prefixes.Count * 2)));
        for (int i = 0; i < prefixes.Count; i++)
        {
            var (network, length) = prefixes[i];
            fib.Insert(network & Mask(length), length, i);
        }
        return fib;
    }

    /// <summary>The route index of the longest prefix containing <paramref name="address"/>; -1 when none does.</summary>
    public int Lookup(UInt128 address)
    {
        var lengths = _lengths;
        for (int i = 0; i < lengths.Length; i++)
        {
            int length = lengths[i];
            var key = address & _masks[i];
            int slot = Home(key, length);
            while (_values[slot] != 0)
            {
                if (_keys[slot] == key && _keyLengths[slot] == length)
                {
                    return _values[slot] - 1;
                }
                slot = (slot + 1) & _mask;
            }
        }
        return -1;
    }

    private void Insert(UInt128 key, int length, int value)
    {
        int slot = Home(key, length);
        while (_values[slot] != 0 && !(_keys[slot] == key && _keyLengths[slot] == length))
        {
            slot = (slot + 1) & _mask;
        }
        _keys[slot] = key;
        _keyLengths[slot] = (byte)length;
        _values[slot] = value + 1;
    }

    private int Home(UInt128 key, int length)
    {
        ulong mixed = ((ulong)(key >> 64) * 0x9E37_79B9_7F4A_7C15UL) ^ ((ulong)key * 0xC2B2_AE3D_27D4_EB4FUL) ^ (ulong)length;
        return (int)((mixed * 0x9E37_79B9_7F4A_7C15UL) >> _shift);
    }

    private static UInt128 Mask(int length) => length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);
}

using System.Numerics;

namespace Nfv.Functions.Impair;

/// <summary>
/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: the generator every impairment draws from. .NET's
/// <see cref="Random"/> keeps a slow legacy algorithm for a fixed seed, 25 ns a packet more on the loss path
/// (ImpairBenchmark); this one costs the same seeded or not, and a seed still repeats a run exactly.
/// </summary>
internal sealed class Xoshiro
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator whose sequence follows from <paramref name="seed"/>.</summary>
    public Xoshiro(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator seeded at random.</summary>
    public Xoshiro()
        : this(Random.Shared.NextInt64())
    {
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A number in [0, 1), from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [0, <paramref name="maxValue"/>) (Lemire's multiply-shift; the bias is below 2^-32).</summary>
    public int Next(int maxValue) => (int)(((NextUInt64() >> 32) * (ulong)(uint)maxValue) >> 32);

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}

using System.Runtime.CompilerServices;

namespace Nfv.Functions.Router;

/// <summary>
/// A longest-prefix-match table from IPv4 addresses to small integers (route indices), built once: a 16-8-8
/// multibit trie with leaf pushing, the shape of VPP's <c>ip4_mtrie_16</c> and a relative of DIR-24-8
/// (Gupta, Lin, McKeown, "Routing lookups in hardware at memory access speeds", 1998).
/// </summary>
/// <remarks>
/// <para>
/// A lookup is at most three array reads and no compare against prefixes, whatever the number of routes: the root
/// has 65536 slots, one per /16; a slot holds a leaf (route index + 1; 0 = no route) or a reference to a 256-slot ply
/// for the next 8 bits (stored as its bitwise complement, so negative), which in turn may reference a ply for the last
/// 8 bits. Prefixes are expanded into every slot they cover (controlled prefix expansion).
/// </para>
/// <para>
/// Building inserts routes by ascending prefix length, so a longer prefix always overwrites the shorter ones it
/// nests in and the table needs no per-slot length bookkeeping. Routes do not change while the router runs (they come
/// from the topology); a change would build a new table and swap the reference (readers never see a half-built one).
/// Memory: 256 KB for the root plus 1 KB per ply; a ply exists for each /16 holding a prefix longer than /16, and for
/// each /24 holding one longer than /24 (100k random prefixes: about 50 MB, see bench/README.md).
/// </para>
/// </remarks>
public sealed class Fib
{
    private const int RootBits = 16;
    private const int PlySize = 256;

    private readonly int[] _root;
    private readonly int[] _plies;

    private Fib(int[] root, int[] plies, int plyCount)
    {
        _root = root;
        _plies = plies;
        PlyCount = plyCount;
    }

    /// <summary>Plies allocated below the root (memory: 1 KB each).</summary>
    public int PlyCount { get; }

    /// <summary>
    /// Builds the table. Route <c>i</c> is <paramref name="prefixes"/>[i] (host bits are ignored); when two routes have
    /// the same prefix, the later one wins.
    /// </summary>
    public static Fib Build(IReadOnlyList<(uint Network, int Length)> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var order = new int[prefixes.Count];
        var lengths = new int[prefixes.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            lengths[i] = prefixes[i].Length;
            if ((uint)lengths[i] > 32)
            {
                throw new ArgumentOutOfRangeException(nameof(prefixes), $"Prefix length {lengths[i]} is out of 0..32.");
            }
        }
        // Stable by length: equal prefixes keep their order, so the later one is written last and wins.
        Array.Sort(lengths, order);
        StableFix(lengths, order);

        var builder = new Builder();
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            var (network, length) = prefixes[i];
            uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
            builder.Insert(network & mask, length, i + 1);
        }
        return new Fib(builder.Root, builder.Plies, builder.PlyCount);
    }

    /// <summary>The index of the longest prefix containing <paramref name="address"/>, or -1 when none does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(uint address)
    {
        int e = _root[address >> RootBits];
        if (e < 0)
        {
            e = _plies[(~e << 8) | (int)((address >> 8) & 0xFF)];
            if (e < 0)
            {
                e = _plies[(~e << 8) | (int)(address & 0xFF)];
            }
        }
        return e - 1;
    }

    // Array.Sort is not stable: re-sort the indices inside each run of equal lengths.
    private static void StableFix(int[] lengths, int[] order)
    {
        int start = 0;
        for (int i = 1; i <= lengths.Length; i++)
        {
            if (i == lengths.Length || lengths[i] != lengths[start])
            {
                Array.Sort(order, start, i - start);
                start = i;
            }
        }
    }

    private sealed class Builder
    {
        public readonly int[] Root = new int[1 << RootBits];
        public int[] Plies = new int[PlySize * 16];
        public int PlyCount;

        public void Insert(uint network, int length, int leaf)
        {
            if (length <= 16)
            {
                int first = (int)(network >> 16);
                int count = 1 << (16 - length);
                // Ascending insertion: nothing longer exists yet, so every covered slot is a leaf to overwrite.
                Array.Fill(Root, leaf, first, count);
                return;
            }
            int ply2 = PlyOf(ref Root[network >> 16]);
            int slot2 = (ply2 << 8) | (int)((network >> 8) & 0xFF);
            if (length <= 24)
            {
                Array.Fill(Plies, leaf, slot2, 1 << (24 - length));
                return;
            }
            int ply3 = PlyOf(ref Plies[slot2]);
            Array.Fill(Plies, leaf, (ply3 << 8) | (int)(network & 0xFF), 1 << (32 - length));
        }

        // The ply a slot refers to, made (filled with the slot's leaf) when the slot is a leaf. Takes the slot by
        // index through a ref that may point into Plies: re-read after growing.
        private int PlyOf(ref int slot)
        {
            if (slot < 0)
            {
                return ~slot;
            }
            int leaf = slot;
            int ply = PlyCount++;
            slot = ~ply;
            if ((ply + 1) * PlySize > Plies.Length)
            {
                Array.Resize(ref Plies, Plies.Length * 2);
            }
            Array.Fill(Plies, leaf, ply * PlySize, PlySize);
            return ply;
        }
    }
}

using System.Numerics;

namespace Nfv.Functions.Nat;

/// <summary>
/// Sessions per inside address: a chained hash over preallocated entries (at most one per session), keyed with a seed.
/// A session table's own, or the one its instances share (<see cref="NatSessionBounds"/>, under its lock).
/// </summary>
internal sealed class NatHostCounts
{
    private readonly uint[] _address;
    private readonly int[] _count;
    private readonly int[] _next;
    private readonly int[] _buckets;
    private readonly int _mask;
    private readonly ulong _seed;
    private int _free;

    public NatHostCounts(int capacity, ulong seed)
    {
        _seed = seed;
        _address = new uint[capacity];
        _count = new int[capacity];
        _next = new int[capacity];
        int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity));
        _buckets = new int[buckets];
        Array.Fill(_buckets, -1);
        _mask = buckets - 1;
        for (int i = 0; i < capacity; i++)
        {
            _next[i] = i + 1 < capacity ? i + 1 : -1;
        }
    }

    public int Get(uint address)
    {
        int i = Find(address, out _);
        return i < 0 ? 0 : _count[i];
    }

    public bool TryIncrement(uint address, int max)
    {
        int i = Find(address, out int bucket);
        if (i >= 0)
        {
            if (_count[i] >= max)
            {
                return false;
            }
            _count[i]++;
            return true;
        }
        if (_free < 0 || max < 1)
        {
            return false;
        }
        i = _free;
        _free = _next[i];
        _address[i] = address;
        _count[i] = 1;
        _next[i] = _buckets[bucket];
        _buckets[bucket] = i;
        return true;
    }

    public void Decrement(uint address)
    {
        int bucket = NatSessionTable.Mix(address, _seed) & _mask;
        int previous = -1;
        for (int i = _buckets[bucket]; i >= 0; previous = i, i = _next[i])
        {
            if (_address[i] != address)
            {
                continue;
            }
            if (--_count[i] == 0)
            {
                if (previous < 0)
                {
                    _buckets[bucket] = _next[i];
                }
                else
                {
                    _next[previous] = _next[i];
                }
                _next[i] = _free;
                _free = i;
            }
            return;
        }
    }

    private int Find(uint address, out int bucket)
    {
        bucket = NatSessionTable.Mix(address, _seed) & _mask;
        for (int i = _buckets[bucket]; i >= 0; i = _next[i])
        {
            if (_address[i] == address)
            {
                return i;
            }
        }
        return -1;
    }
}

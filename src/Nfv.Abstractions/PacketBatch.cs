namespace Nfv.Abstractions;

/// <summary>
/// Up to <see cref="Capacity"/> packets handled together: the unit every function works on
/// (a VPP frame, a BESS PacketBatch). Allocated once and reused.
/// </summary>
public sealed class PacketBatch
{
    private readonly Packet[] _packets;
    private int _count;

    /// <summary>Creates an empty batch.</summary>
    public PacketBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _packets = new Packet[capacity];
    }

    /// <summary>Packets in the batch.</summary>
    public int Count => _count;

    /// <summary>The most packets the batch holds.</summary>
    public int Capacity => _packets.Length;

    /// <summary>True when no more packets fit.</summary>
    public bool IsFull => _count == _packets.Length;

    /// <summary>The packet at <paramref name="index"/>.</summary>
    public Packet this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }
            return _packets[index];
        }
    }

    /// <summary>The packets, in order.</summary>
    public ReadOnlySpan<Packet> AsSpan() => new(_packets, 0, _count);

    /// <summary>Appends a packet; false when the batch is full.</summary>
    public bool TryAdd(Packet packet)
    {
        if (_count == _packets.Length)
        {
            return false;
        }
        _packets[_count++] = packet;
        return true;
    }

    /// <summary>Appends a packet; throws when the batch is full.</summary>
    public void Add(Packet packet)
    {
        if (!TryAdd(packet))
        {
            throw new InvalidOperationException("The batch is full.");
        }
    }

    /// <summary>Forgets every packet (it does not return them to their pool).</summary>
    public void Clear()
    {
        Array.Clear(_packets, 0, _count);
        _count = 0;
    }

    /// <summary>Returns every packet to its pool and empties the batch.</summary>
    public void ReleaseAll()
    {
        for (int i = 0; i < _count; i++)
        {
            _packets[i].Release();
        }
        Clear();
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Capture;

/// <summary>
/// Captures the frames crossing one link to a pcap file without ever making the worker wait: the
/// worker copies each frame, with its timestamp, into a preallocated ring (<see cref="Record"/>), and
/// another thread writes the ring to the file (<see cref="Drain()"/>, usually from a
/// <see cref="CaptureDrain"/>). When the ring is full — the disk is slower than the link — frames are
/// not captured and are counted in <see cref="Dropped"/>; forwarding never waits for the disk.
/// </summary>
/// <remarks>
/// One producer at a time (with several workers, those running the link's two ends take a lock) and one consumer. The ring holds records of a
/// 16-byte header (captured length, length on the wire, timestamp ticks) and the frame, aligned to 8
/// bytes; a record that does not fit before the end of the buffer leaves a wrap marker (length -1)
/// and starts again at 0. <see cref="_head"/> and <see cref="_tail"/> count bytes since the start and
/// are published with release/acquire (<see cref="Volatile"/>): the consumer reads a record only after
/// the producer has published the head past it, and the producer reuses bytes only after the consumer
/// has published the tail past them. Record costs one clock read and one copy of the frame; nothing
/// is allocated.
/// </remarks>
public sealed class LinkCapture : IDisposable
{
    /// <summary>The ring's default size: 4 MiB, some 2,700 full-size frames or 40,000 small ones.</summary>
    public const int DefaultRingBytes = 4 << 20;

    private const int HeaderSize = 16;
    private const int WrapMarker = -1;

    private readonly byte[] _ring;
    private readonly PcapWriter _writer;
    private readonly TimeProvider _time;
    private long _head;     // written by the producer only
    private long _tail;     // written by the consumer only
    private long _dropped;  // written by the producer only
    private long _captured; // written by the producer only
    private long _written;  // written by the consumer only

    private bool _linkRemoved;
    private readonly Lock _producers = new();

    /// <summary>Creates a capture into <paramref name="writer"/>, which it owns from now on.</summary>
    /// <param name="name">The link, as a person names it (<c>p1 &lt;-&gt; sw.a</c>).</param>
    /// <param name="writer">The pcap file frames are written to.</param>
    /// <param name="time">The clock frames are stamped with: the worker's.</param>
    /// <param name="ringBytes">The ring's size; at least 2 × (16 + <see cref="PcapWriter.SnapshotLength"/>).</param>
    public LinkCapture(string name, PcapWriter writer, TimeProvider time, int ringBytes = DefaultRingBytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(ringBytes, 2 * (HeaderSize + PcapWriter.SnapshotLength));
        Name = name;
        _writer = writer;
        _time = time;
        _ring = GC.AllocateUninitializedArray<byte>(ringBytes & ~7, pinned: true);
    }

    /// <summary>The link captured.</summary>
    public string Name { get; }

    /// <summary>The pcap file.</summary>
    public string Path => _writer.Path;

    /// <summary>Frames copied into the ring.</summary>
    public long Captured => Volatile.Read(ref _captured);

    /// <summary>Frames not captured because the ring was full (the file could not keep up).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Frames written to the file.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>
    /// Set when <c>nfv apply</c> removed the link this capture recorded: nothing more will be recorded into it, and its
    /// reader may end. Read from any thread.
    /// </summary>
    public bool LinkRemoved { get => Volatile.Read(ref _linkRemoved); internal set => Volatile.Write(ref _linkRemoved, value); }

    /// <summary>
    /// The next capture of the same link: a link may be captured by its <c>capture:</c> file and by <c>nfv capture</c>
    /// clients at once. Both ends of a link hold the head of one shared list; the graph changes it on the worker thread.
    /// </summary>
    internal LinkCapture? Next { get; set; }

    /// <summary>Records <paramref name="packet"/> into this capture and every one after it (<see cref="Next"/>).</summary>
    internal void RecordAll(Packet packet)
    {
        var capture = this;
        do
        {
            capture.Record(packet);
            capture = capture.Next;
        }
        while (capture is not null);
    }

    /// <summary>
    /// Copies <paramref name="packet"/>'s frame (up to <see cref="PcapWriter.SnapshotLength"/> bytes) and
    /// the time into the ring, or counts it dropped when the ring is full. From the worker; in a graph run by several
    /// (<see cref="Shared"/>), from any of them, one at a time.
    /// </summary>
    public void Record(Packet packet)
    {
        if (!Shared)
        {
            RecordOne(packet);
            return;
        }
        lock (_producers)
        {
            RecordOne(packet);
        }
    }

    /// <summary>
    /// Set by the graph it is attached to when that graph is run by several workers: the link's two ends may be on two of
    /// them, each recording the frames it sends, so <see cref="Record"/> takes a lock. Set with the workers parked.
    /// </summary>
    internal bool Shared { get; set; }

    private void RecordOne(Packet packet)
    {
        var frame = packet.Data;
        int length = frame.Length;
        int captured = Math.Min(length, PcapWriter.SnapshotLength);
        int need = (HeaderSize + captured + 7) & ~7;
        int capacity = _ring.Length;
        long head = _head;
        int at = (int)(head % capacity);
        int pad = capacity - at < need ? capacity - at : 0;
        if (capacity - (head - Volatile.Read(ref _tail)) < pad + need)
        {
            _dropped++;
            return;
        }
        if (pad > 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_ring.AsSpan(at), WrapMarker);
            at = 0;
        }
        var record = _ring.AsSpan(at, need);
        BinaryPrimitives.WriteInt32LittleEndian(record, captured);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], length);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], _time.GetUtcNow().UtcTicks);
        frame[..captured].CopyTo(record[HeaderSize..]);
        _captured++;
        Volatile.Write(ref _head, head + pad + need);
    }

    /// <summary>Writes every frame in the ring to the file; returns how many. Consumer thread only.</summary>
    public int Drain() => Drain(int.MaxValue);

    /// <summary>Writes up to <paramref name="max"/> frames from the ring to the file, oldest first; returns how many. Consumer thread only.</summary>
    public int Drain(int max)
    {
        int capacity = _ring.Length;
        long head = Volatile.Read(ref _head);
        long tail = _tail;
        int count = 0;
        while (tail < head && count < max)
        {
            int at = (int)(tail % capacity);
            int captured = BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(at));
            if (captured == WrapMarker)
            {
                tail += capacity - at;
                continue;
            }
            int length = BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(at + 4));
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(_ring.AsSpan(at + 8));
            _writer.Write(_ring.AsSpan(at + HeaderSize, captured), new DateTimeOffset(ticks, TimeSpan.Zero), length);
            tail += (HeaderSize + captured + 7) & ~7;
            count++;
            Volatile.Write(ref _tail, tail);
        }
        Volatile.Write(ref _tail, tail);
        if (count > 0)
        {
            // One write() per drain at most: the file is readable while the link runs.
            _writer.Flush();
        }
        _written += count;
        return count;
    }

    /// <summary>Writes what is left and closes the file. Call after the worker has stopped.</summary>
    public void Dispose()
    {
        try
        {
            Drain();
        }
        finally
        {
            _writer.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} -> {Path}";
}

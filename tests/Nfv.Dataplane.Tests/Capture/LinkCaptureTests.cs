using Nfv.Abstractions;
using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Dataplane.Tests.Graph;

namespace Nfv.Dataplane.Tests.Capture;

public sealed class LinkCaptureTests : IDisposable
{
    private static readonly string[] NoReasons = [];
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-capture-").FullName;
    private readonly StepClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static byte[] Frame(byte tag, int length = 60)
    {
        var frame = new byte[length];
        frame.AsSpan().Fill(tag);
        return frame;
    }

    /// <summary>Reads a pcap file back through SharpPcap (the replay port), with each frame's timestamp.</summary>
    private List<(DateTimeOffset Time, byte[] Frame)> ReadBack(string path)
    {
        using var port = new PcapReplayPort("read", path, null, _clock);
        var pool = new PacketPool(8);
        var batch = new PacketBatch(1);
        var frames = new List<(DateTimeOffset, byte[])>();
        while (port.NextTimestamp is { } time)
        {
            Assert.Equal(1, port.Receive(batch, pool));
            frames.Add((time, batch[0].Data.ToArray()));
            batch.ReleaseAll();
        }
        return frames;
    }

    [Fact]
    public void Frames_crossing_a_captured_link_both_ways_are_written_in_order_with_their_time()
    {
        // a <-> wire.0 (captured), wire.1 <-> b: a frame from a crosses the capture going in; one from b, coming out.
        var path = Path.Combine(_temp, "a.pcap");
        using var capture = new LinkCapture("a <-> wire.0", PcapWriter.Create(path), _clock);
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        int wire = builder.AddFunction("wire", new WireFunction(), 2, NoReasons);
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.Function(wire, 0), capture);
        builder.Link(GraphEndpoint.Function(wire, 1), GraphEndpoint.External(builder.AddPort(b)));
        var graph = builder.Build(new PacketPool(16), new GraphOptions());

        a.Enqueue(Frame(1));
        a.Enqueue(Frame(2, 1514));
        graph.Poll(0);
        _clock.Advance(TimeSpan.FromMilliseconds(1.5));
        b.Enqueue(Frame(3, 64));
        graph.Poll(1);
        capture.Dispose();

        var frames = ReadBack(path);
        Assert.Equal([Frame(1), Frame(2, 1514), Frame(3, 64)], frames.Select(f => f.Frame));
        Assert.Equal([_clock.Start, _clock.Start, _clock.Start.AddMilliseconds(1.5)], frames.Select(f => f.Time));
        Assert.Equal(3, capture.Captured);
        Assert.Equal(3, capture.Written);
        Assert.Equal(0, capture.Dropped);
        Assert.Equal(2, b.Sent.Count);
        Assert.Single(a.Sent);
    }

    [Fact]
    public void A_full_ring_drops_capture_frames_and_counts_them_but_forwarding_goes_on()
    {
        var path = Path.Combine(_temp, "full.pcap");
        int ring = 2 * (16 + PcapWriter.SnapshotLength);
        using var capture = new LinkCapture("a <-> b", PcapWriter.Create(path), _clock, ring);
        var a = new MemoryPort("a");
        var b = new MemoryPort("b");
        var builder = new GraphBuilder();
        builder.Link(GraphEndpoint.External(builder.AddPort(a)), GraphEndpoint.External(builder.AddPort(b)), capture);
        var graph = builder.Build(new PacketPool(64), new GraphOptions());

        const int Frames = 200; // 200 x 1016 bytes of records: more than the 128 KiB ring holds
        for (int i = 0; i < Frames; i++)
        {
            a.Enqueue(Frame((byte)i, 1000));
        }
        while (a.Pending > 0)
        {
            graph.Poll(0);
        }

        Assert.Equal(Frames, b.Sent.Count);
        Assert.True(capture.Dropped > 0);
        Assert.Equal(Frames, capture.Captured + capture.Dropped);
        capture.Dispose();
        var frames = ReadBack(path);
        Assert.Equal(capture.Captured, frames.Count);
        // What was captured is the first frames, whole and in order.
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => Frame((byte)i, 1000)), frames.Select(f => f.Frame));
    }

    [Fact]
    public void The_ring_wraps_round_many_times_without_losing_or_mixing_frames()
    {
        var path = Path.Combine(_temp, "wrap.pcap");
        int ring = 2 * (16 + PcapWriter.SnapshotLength);
        var capture = new LinkCapture("x", PcapWriter.Create(path), _clock, ring);
        var pool = new PacketPool(4);
        var expected = new List<byte[]>();
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var frame = Frame((byte)i, random.Next(14, i % 50 == 0 ? 9000 : 1600));
            var packet = pool.Rent()!;
            packet.Load(frame);
            capture.Record(packet);
            packet.Release();
            expected.Add(frame);
            if (i % 7 == 0)
            {
                capture.Drain();
            }
        }
        capture.Dispose();

        Assert.Equal(0, capture.Dropped);
        Assert.True(expected.Sum(f => f.Length + 16) > 10 * ring, "the test must go round the ring several times");
        var frames = ReadBack(path);
        Assert.Equal(expected.Count, frames.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].AsSpan().SequenceEqual(frames[i].Frame), $"frame {i}");
        }
    }

    [Fact]
    public void A_frame_longer_than_the_snapshot_length_is_cut_and_keeps_its_length_on_the_wire()
    {
        var path = Path.Combine(_temp, "gso.pcap");
        var capture = new LinkCapture("x", PcapWriter.Create(path), _clock);
        var pool = new PacketPool(1);
        var packet = pool.Rent()!;
        packet.Load(Frame(9, Packet.MaxFrameLength));
        capture.Record(packet);
        packet.Release();
        capture.Dispose();

        var bytes = File.ReadAllBytes(path);
        Assert.Equal((uint)PcapWriter.SnapshotLength, BitConverter.ToUInt32(bytes, 24 + 8));
        Assert.Equal((uint)Packet.MaxFrameLength, BitConverter.ToUInt32(bytes, 24 + 12));
        Assert.Equal(24 + 16 + PcapWriter.SnapshotLength, bytes.Length);
    }

    [Fact]
    public void Recording_allocates_nothing_per_frame_whether_it_copies_or_drops()
    {
        var capture = new LinkCapture("x", PcapWriter.Create(Path.Combine(_temp, "alloc.pcap")), TimeProvider.System);
        var pool = new PacketPool(1);
        var packet = pool.Rent()!;
        packet.Load(Frame(1, 1514));
        for (int i = 0; i < 200; i++)
        {
            capture.Record(packet); // warm up (tiered JIT)
        }
        capture.Drain();

        // 10,000 frames of 1514 bytes: the 4 MiB ring fills after ~2,700, so both paths run. A per-frame
        // allocation would be at least 240 KB; the runtime itself (tiering, OSR) has been seen to put a
        // one-off 6.5 KB on the thread now and then, so the bound is under one byte per frame.
        const int Frames = 10_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            capture.Record(packet);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < Frames, $"{allocated} bytes allocated for {Frames} frames");
        Assert.True(capture.Dropped > 0, "the drop path must run too");
        packet.Release();
        capture.Dispose();
    }

    [Fact]
    public void The_drain_thread_writes_while_the_worker_records_and_everything_is_on_disk_after_dispose()
    {
        var path = Path.Combine(_temp, "drain.pcap");
        var capture = new LinkCapture("x", PcapWriter.Create(path), _clock);
        using (var drain = new CaptureDrain([capture], TimeSpan.FromMilliseconds(1)))
        {
            drain.Start();
            var pool = new PacketPool(1);
            var packet = pool.Rent()!;
            for (int i = 0; i < 5000; i++)
            {
                packet.Load(Frame((byte)i, 200));
                capture.Record(packet);
            }
            packet.Release();
            drain.Stop();
            Assert.Null(drain.Fault);
        }
        capture.Dispose();

        Assert.Equal(5000, capture.Captured + capture.Dropped);
        var frames = ReadBack(path);
        Assert.Equal(capture.Captured, frames.Count);
    }

    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public DateTimeOffset Start { get; } = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

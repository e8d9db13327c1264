using Nfv.Abstractions;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane.Tests.Capture;

public sealed class PcapWriterTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-pcapwriter-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void What_it_writes_SharpPcap_reads_back_with_the_same_bytes_and_microsecond_timestamps()
    {
        var path = Path.Combine(_temp, "w.pcap");
        var t0 = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567); // .1234567 s: kept to .123456
        using (var writer = PcapWriter.Create(path))
        {
            writer.Write(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00 }, t0);
            writer.Write(new byte[1514], t0.AddSeconds(1));
            Assert.Equal(2, writer.Count);
        }

        using var port = new PcapReplayPort("r", path, null, TimeProvider.System);
        var pool = new PacketPool(4);
        var batch = new PacketBatch(4);
        Assert.Equal(t0.AddTicks(-7), port.NextTimestamp);
        Assert.Equal(2, port.Receive(batch, pool));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00 }, batch[0].Data.ToArray());
        Assert.Equal(1514, batch[1].Length);
        Assert.Null(port.NextTimestamp);
        batch.ReleaseAll();
    }

    [Fact]
    public void Writing_allocates_nothing_per_frame()
    {
        using var writer = PcapWriter.Create(Path.Combine(_temp, "a.pcap"));
        var frame = new byte[1514];
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 200; i++)
        {
            writer.Write(frame, now); // warm up (tiered JIT)
        }

        // Under one byte per frame: a per-frame allocation would be at least 24 KB; the runtime may add a one-off few KB.
        const int Frames = 10_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            writer.Write(frame, now);
        }
        writer.Flush();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < Frames, $"{allocated} bytes allocated for {Frames} frames");
    }

    [Fact]
    public void A_file_that_cannot_be_created_is_an_IOException_naming_it()
    {
        var path = Path.Combine(_temp, "missing", "x.pcap");
        var ex = Assert.Throws<IOException>(() => PcapWriter.Create(path));
        Assert.StartsWith($"cannot create pcap file '{path}'", ex.Message);
    }
}

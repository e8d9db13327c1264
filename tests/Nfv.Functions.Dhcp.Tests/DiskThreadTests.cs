using System.Text;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>
/// The lease file is written by a thread of its own: the worker hands each batch's lease changes over and goes on, an
/// ACK leaves only once the flush that carries its lease returned, batches handed over during one flush go together in
/// the next, and a failed flush drops the ACKs that waited on it. A journal over a stream that stalls or fails on cue
/// stands for the disk.
/// </summary>
public sealed class DiskThreadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-dhcp-disk-").FullName;
    private readonly StallingDisk _disk = new();
    private readonly DhcpHarness _dhcp;

    public DiskThreadTests() => _dhcp = new DhcpHarness(leaseFile: LeaseFile.Over(_disk, Path.Combine(_directory, "dhcp.leases")));

    public void Dispose()
    {
        _disk.Resume();
        _dhcp.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // DISCOVER, then the REQUEST handed to the server without waiting for the disk; returns the address offered.
    private string Lease(MacAddress mac)
    {
        var offer = Offer(mac);
        _dhcp.Emit.Clear();
        _dhcp.Emit.Send(_dhcp.Function, 0, Client(Request, mac, options: [Address(50, offer.Yiaddr), Address(54, "10.0.0.2")]));
        return offer.Yiaddr;
    }

    // A DISCOVER, answered at once whatever the disk does.
    private Reply Offer(MacAddress mac)
    {
        _dhcp.Emit.Clear();
        _dhcp.Emit.Send(_dhcp.Function, 0, Client(Discover, mac));
        var offer = DhcpFrames.Decode(Assert.Single(_dhcp.Emit.Sent).Frame);
        Assert.Equal(2, offer.Type);
        return offer;
    }

    [Fact]
    public void An_ack_waits_for_the_flush_of_its_lease_while_the_server_goes_on()
    {
        _disk.Stall();
        string a = Lease(FrameBuilder.Mac(0xA1));

        // The batch is handled and the ACK held; the server asked to be woken to look again.
        Assert.Empty(_dhcp.Emit.Sent);
        Assert.Equal(1, _dhcp.Function.AcksWaitingForDisk);
        Assert.NotEmpty(_dhcp.Emit.WakeRequests);
        Assert.True(_disk.WaitUntilFlushing(), "the lease never reached the disk's thread");

        // Another client is answered meanwhile: an OFFER promises nothing and does not wait.
        Offer(FrameBuilder.Mac(0xB2));
        _dhcp.Function.OnTimer(_dhcp.Emit);
        Assert.Equal(1, _dhcp.Function.AcksWaitingForDisk);

        _disk.Resume();
        _dhcp.Emit.Clear();
        DhcpHarness.AwaitDisk(_dhcp.Function, _dhcp.Emit);

        var ack = DhcpFrames.Decode(Assert.Single(_dhcp.Emit.Sent).Frame);
        Assert.Equal((5, a), (ack.Type, ack.Yiaddr));
        Assert.Contains($"{a} bound ", _disk.Flushed);
    }

    [Fact]
    public void Batches_handed_over_during_one_flush_are_written_together_by_the_next()
    {
        _disk.Stall();
        Lease(FrameBuilder.Mac(0xA1));
        Assert.True(_disk.WaitUntilFlushing(), "the first lease never reached the disk's thread");
        var later = new[] { Lease(FrameBuilder.Mac(0xB2)), Lease(FrameBuilder.Mac(0xC3)) };
        Assert.Equal(3, _dhcp.Function.AcksWaitingForDisk);

        _disk.Resume();
        _dhcp.Emit.Clear();
        DhcpHarness.AwaitDisk(_dhcp.Function, _dhcp.Emit);

        Assert.Equal(3, _dhcp.Emit.Sent.Count);
        Assert.Equal(2, _dhcp.Counters[DhcpEvent.LeaseWrites]); // the first flush, then one for both later batches
        Assert.Equal(2, _disk.Flushes);
        Assert.All(later, address => Assert.Contains($"{address} bound ", _disk.Flushed));
    }

    [Fact]
    public void When_a_flush_fails_its_acks_are_dropped_and_the_client_s_retry_is_acked_once_the_disk_works()
    {
        var mac = FrameBuilder.Mac(0xA1);
        Offer(FrameBuilder.Mac(0xEE)); // the first batch writes the file's header
        Assert.True(SpinWait.SpinUntil(() => _disk.Flushes == 1, TimeSpan.FromSeconds(10)));
        _disk.FailNextFlush();
        string address = Lease(mac);
        DhcpHarness.AwaitDisk(_dhcp.Function, _dhcp.Emit);

        Assert.Empty(_dhcp.Emit.Sent);
        _dhcp.Emit.AssertDropped(DhcpDrop.PersistFailed);
        Assert.DoesNotContain($"{address} bound ", _disk.Flushed);

        _dhcp.Emit.Clear();
        _dhcp.Time.Advance(TimeSpan.FromSeconds(2)); // the client waits before it asks again
        var retry = _dhcp.Send(Client(Request, mac, options: [Address(50, address), Address(54, "10.0.0.2")]));

        Assert.Equal((5, address), (retry!.Type, retry.Yiaddr));
        Assert.Contains($"{address} bound ", _disk.Flushed);
    }

    [Fact]
    public async Task Past_the_held_ack_bound_the_server_waits_for_the_disk_rather_than_hold_more()
    {
        const int clients = DhcpFunction.MaxHeldAcks + 32;
        var disk = new StallingDisk();
        using var dhcp = new DhcpHarness("""
            dhcp: { kind: dhcp, address: 10.0.0.2/16, pool: 10.0.1.0-10.0.1.255, router: 10.0.0.1, lease: 1h }
            """, leaseFile: LeaseFile.Over(disk, Path.Combine(_directory, "wide.leases")), packets: 2 * clients);
        var macs = Enumerable.Range(0, clients).Select(i => FrameBuilder.Mac(0x1000 + i)).ToList();
        var offered = macs.ToDictionary(mac => mac, mac =>
        {
            dhcp.Emit.Clear();
            dhcp.Emit.Send(dhcp.Function, 0, Client(Discover, mac));
            return DhcpFrames.Decode(Assert.Single(dhcp.Emit.Sent).Frame).Yiaddr;
        });
        dhcp.Emit.Clear();
        disk.Stall();

        // REQUESTs in batches of 16 while the disk is stalled: held up to the bound, then the batch that would pass it
        // waits in Process until the disk goes on (let go after 300 ms).
        var resume = Task.Delay(300).ContinueWith(_ => disk.Resume(), TaskScheduler.Default);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int mostHeld = 0;
        foreach (var batch in macs.Chunk(16))
        {
            var packets = batch.Select(mac => dhcp.Emit.Rent(
                Client(Request, mac, options: [Address(50, offered[mac]), Address(54, "10.0.0.2")]), 0)).ToArray();
            dhcp.Emit.Process(dhcp.Function, packets);
            mostHeld = Math.Max(mostHeld, dhcp.Function.AcksWaitingForDisk);
        }
        var waited = watch.Elapsed;
        await resume;
        DhcpHarness.AwaitDisk(dhcp.Function, dhcp.Emit);

        Assert.InRange(mostHeld, DhcpFunction.MaxHeldAcks - 16, DhcpFunction.MaxHeldAcks);
        Assert.True(waited >= TimeSpan.FromMilliseconds(250), $"the server never waited for the disk ({waited.TotalMilliseconds:F0} ms)");
        Assert.Equal(clients, dhcp.Emit.Sent.Count(s => DhcpFrames.Decode(s.Frame).Type == 5));
        Assert.All(offered.Values, address => Assert.Contains($"{address} bound ", disk.Flushed));
    }

    /// <summary>
    /// A journal in memory whose flush can be held back (the disk is slow) or made to fail once (the disk is full);
    /// <see cref="Flushed"/> is what a flush has made durable.
    /// </summary>
    private sealed class StallingDisk : MemoryStream
    {
        private readonly ManualResetEventSlim _open = new(true);
        private readonly ManualResetEventSlim _flushing = new(false);
        private readonly Lock _gate = new();
        private int _durableLength;
        private bool _fail;
        private int _flushes;

        public string Flushed
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(GetBuffer(), 0, _durableLength);
                }
            }
        }

        public int Flushes => Volatile.Read(ref _flushes);

        public void Stall() => _open.Reset();

        public void Resume() => _open.Set();

        public void FailNextFlush() => _fail = true;

        public bool WaitUntilFlushing() => _flushing.Wait(TimeSpan.FromSeconds(10));

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Flush()
        {
            _flushing.Set();
            if (!_open.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new IOException("the test never let the disk go on");
            }
            lock (_gate)
            {
                if (_fail)
                {
                    _fail = false;
                    SetLength(_durableLength); // nothing of it reached the disk
                    throw new IOException("No space left on device");
                }
                _durableLength = (int)Length;
                _flushes++;
            }
        }
    }
}

using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Testing;

namespace Nfv.Dataplane.Tests.Ports;

/// <summary>Real TAP devices: the kernel on one side, the port and the worker on the other.</summary>
public sealed class TapPortTests : IAsyncLifetime
{
    // Unique to this run: every namespace and TAP below carries it, and teardown removes them by it.
    private readonly string _prefix = "nd" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
    private readonly List<string> _namespaces = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var ns in _namespaces)
        {
            await Shell.DeleteNamespaceAsync(ns);
        }
    }

    [PrivilegedFact]
    public void A_tap_exists_while_its_port_is_open_and_vanishes_when_disposed()
    {
        string name = $"{_prefix}-x";
        var port = TapPort.Create("x", name);
        Assert.Equal(name, port.InterfaceName);
        Assert.True(Directory.Exists($"/sys/class/net/{name}"));
        // The offload header is on: the kernel reports the TAP's vnet_hdr flag in its tun_flags.
        var flags = Convert.ToInt32(File.ReadAllText($"/sys/class/net/{name}/tun_flags").Trim(), 16);
        Assert.Equal(0x4000, flags & 0x4000);

        port.Dispose();

        Assert.False(Directory.Exists($"/sys/class/net/{name}"));
    }

    [PrivilegedFact]
    public void Creating_a_tap_over_an_existing_non_tap_interface_fails_with_the_reason()
    {
        var ex = Assert.Throws<TapException>(() => TapPort.Create("lo", "lo"));
        Assert.Contains("TUNSETIFF", ex.Message);
        Assert.Contains("'lo'", ex.Message);
    }

    [PrivilegedTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tcp_super_frames_cross_a_wire_between_two_taps_whole(bool batchedIo)
    {
        using var tapA = TapPort.Create("a", $"{_prefix}-a", batchedIo: batchedIo);
        using var tapB = TapPort.Create("b", $"{_prefix}-b", batchedIo: batchedIo);
        string nsA = await AddHostAsync(tapA, "10.66.0.1/24");
        string nsB = await AddHostAsync(tapB, "10.66.0.2/24");

        var wire = new MeasuringWire();
        var builder = new GraphBuilder();
        int w = builder.AddFunction("wire", wire, 2, []);
        builder.Link(GraphEndpoint.External(builder.AddPort(tapA)), GraphEndpoint.Function(w, 0));
        builder.Link(GraphEndpoint.Function(w, 1), GraphEndpoint.External(builder.AddPort(tapB)));
        var pool = new PacketPool(256);
        var graph = builder.Build(pool, new GraphOptions());
        var worker = new PipelineWorker(graph, TimeProvider.System, NullLogger.Instance);
        worker.Start();
        CommandResult client;
        try
        {
            var server = Shell.InNamespaceAsync(nsB, TimeSpan.FromSeconds(20), "iperf3", "-s", "-1", "-B", "10.66.0.2");
            await Task.Delay(300);
            client = await Shell.InNamespaceAsync(nsA, TimeSpan.FromSeconds(20), "iperf3", "-c", "10.66.0.2", "-t", "2");
            await server;
        }
        finally
        {
            worker.Dispose();
        }

        // iperf3 succeeding means the receiver accepted every segment: checksums and GSO metadata were right.
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.True(wire.LargestFrame > 1514, $"largest frame {wire.LargestFrame} bytes: no TSO super-frame crossed");
        Assert.True(wire.GsoFrames > 0);
        Assert.Null(worker.Fault);
        Assert.Equal(pool.Capacity, pool.Available);
        Assert.Equal(0, tapA.Counters.Drops[PortDrop.ReceiveError] + tapB.Counters.Drops[PortDrop.ReceiveError] + tapA.Counters.Drops[PortDrop.SendError] + tapB.Counters.Drops[PortDrop.SendError]);
    }

    [PrivilegedFact(Needs = "iperf3")]
    public async Task With_a_queue_per_worker_two_workers_each_read_their_own_queue_of_both_taps()
    {
        using var tapA = TapPort.Create("a", $"{_prefix}-a", queues: 2);
        using var tapB = TapPort.Create("b", $"{_prefix}-b", queues: 2);
        var flags = Convert.ToInt32(File.ReadAllText($"/sys/class/net/{tapA.InterfaceName}/tun_flags").Trim(), 16);
        Assert.Equal(0x0100, flags & 0x0100); // IFF_MULTI_QUEUE
        Assert.Equal(2, tapA.Queues.Count);
        string nsA = await AddHostAsync(tapA, "10.66.2.1/24");
        string nsB = await AddHostAsync(tapB, "10.66.2.2/24");

        var builder = new GraphBuilder();
        int w = builder.AddFunction("wire", new MeasuringWire(), 2, []);
        builder.Link(GraphEndpoint.External(builder.AddPort(tapA)), GraphEndpoint.Function(w, 0));
        builder.Link(GraphEndpoint.Function(w, 1), GraphEndpoint.External(builder.AddPort(tapB)));
        PacketPool[] pools = [new PacketPool(256), new PacketPool(256)];
        var graph = builder.Build(pools, new GraphOptions());
        Assert.Equal(-1, graph.LaneOfPort(0)); // on both workers
        var workers = new WorkerGroup(graph, TimeProvider.System, NullLogger.Instance);
        workers.Start();
        CommandResult client, spread;
        long[] before;
        long sentBefore;
        try
        {
            // TCP through both workers: sixteen flows both ways.
            var server = Shell.InNamespaceAsync(nsB, TimeSpan.FromSeconds(20), "iperf3", "-s", "-1", "-B", "10.66.2.2");
            await Task.Delay(300);
            client = await Shell.InNamespaceAsync(nsA, TimeSpan.FromSeconds(20), "iperf3", "-c", "10.66.2.2", "-t", "2", "-P", "16");
            await server;

            // The kernel puts a flow nfv writes nothing back for on the queue its hash picks (a flow nfv answers goes on
            // the queue nfv last wrote it on: the TAP's automatic steering): 256 one-datagram flows land on both queues.
            before = [.. tapA.Queues.Select(q => q.Counters.Traffic[PortTraffic.ReceivedPackets])];
            sentBefore = tapB.Counters.Traffic[PortTraffic.SentPackets];
            spread = await Shell.InNamespaceAsync(nsA, TimeSpan.FromSeconds(20), "python3", "-c",
                "import socket\nfor _ in range(256):\n s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('10.66.2.2', 9)); s.close()");
            await Eventually.UntilAsync(() => Task.FromResult(tapB.Counters.Traffic[PortTraffic.SentPackets] - sentBefore >= 256),
                "the 256 datagrams to reach tap b", TimeSpan.FromSeconds(5));
        }
        finally
        {
            workers.Dispose();
        }

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.Null(workers.Fault);
        long[] datagrams = [.. tapA.Queues.Select((q, i) => q.Counters.Traffic[PortTraffic.ReceivedPackets] - before[i])];
        Assert.All(datagrams, d => Assert.True(d > 50, $"of 256 flows, tap a's queues read {string.Join(" and ", datagrams)}"));
        Assert.Equal(tapA.Queues.Sum(q => q.Counters.Traffic[PortTraffic.ReceivedPackets]), tapA.Counters.Traffic[PortTraffic.ReceivedPackets]);
        Assert.Equal([256, 256], pools.Select(p => p.Available));
    }

    [PrivilegedTheory(Needs = "tcpdump")]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Frames_sent_as_one_batch_reach_the_host_whole_and_in_order(bool batchedIo)
    {
        if (batchedIo)
        {
            Assert.True(TapPort.CanBatchIo(out var whyNot), $"io_uring is refused here, so this case would test write() again: {whyNot}");
        }
        using var tap = TapPort.Create("a", $"{_prefix}-a", batchedIo: batchedIo);
        string ns = await AddHostAsync(tap, "10.66.3.1/24");
        var heard = Shell.InNamespaceAsync(ns, TimeSpan.FromSeconds(15), "timeout", "10", "tcpdump", "-c", "100", "-t", "-n", "-e", "-l", "-i", tap.InterfaceName, "ether", "proto", "0x88b5");
        await Task.Delay(1500); // tcpdump listening

        // 100 frames in one call: more than one ring's worth (64), so the batch goes to the kernel in two.
        var pool = new PacketPool(128);
        var frames = Enumerable.Range(1, 100).Select(i => FrameBuilder.Ethernet(MacAddress.Broadcast, FrameBuilder.Mac(i), etherType: 0x88B5)).ToArray();
        var packets = frames.Select(frame =>
        {
            var packet = pool.Rent()!;
            packet.Load(frame);
            return packet;
        }).ToArray();
        tap.Send(packets);
        var output = (await heard).StandardOutput;

        Assert.Equal(100, tap.Counters.Traffic[PortTraffic.SentPackets]);
        Assert.Equal(pool.Capacity, pool.Available);
        string[] sources = [.. output.Split('\n').Where(line => line.Contains("0x88b5", StringComparison.Ordinal)).Select(line => line.Split(' ')[0])];
        Assert.Equal(Enumerable.Range(1, 100).Select(i => FrameBuilder.Mac(i).ToString()), sources);
    }

    [PrivilegedTheory(Needs = "python3")]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_burst_from_the_host_is_read_whole_and_in_order(bool batchedIo)
    {
        using var tap = TapPort.Create("a", $"{_prefix}-a", batchedIo: batchedIo);
        string ns = await AddHostAsync(tap, "10.66.5.1/24");

        // 300 frames written by the host at once (an AF_PACKET socket), each with its number in its source MAC.
        var sent = await Shell.InNamespaceAsync(ns, TimeSpan.FromSeconds(10), "python3", "-c", $$"""
            import socket
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind(('{{tap.InterfaceName}}', 0))
            for i in range(1, 301):
                s.send(b'\xff' * 6 + bytes([2, 0, 0, 0, i >> 8, i & 255]) + b'\x88\xb5' + bytes(46))
            """);
        Assert.True(sent.ExitCode == 0, sent.ToString());

        var pool = new PacketPool(512);
        var batch = new PacketBatch(64);
        var sources = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (sources.Count < 300 && DateTime.UtcNow < deadline)
        {
            tap.Receive(batch, pool);
            foreach (var packet in batch.AsSpan())
            {
                if (packet.Data[12] == 0x88 && packet.Data[13] == 0xB5) // not the host's own IPv6 chatter
                {
                    sources.Add(MacAddress.Read(packet.Data[6..]).ToString());
                }
            }
            batch.ReleaseAll();
        }

        Assert.Equal(Enumerable.Range(1, 300).Select(i => FrameBuilder.Mac(i).ToString()), sources);
        Assert.Equal(0, tap.Counters.Drops[PortDrop.ReceiveError] + tap.Counters.Drops[PortDrop.NoBuffer]);
        Assert.Equal(pool.Capacity, pool.Available);
    }

    [PrivilegedTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_batch_to_an_interface_that_is_down_is_dropped_and_counted_whole(bool batchedIo)
    {
        using var tap = TapPort.Create("a", $"{_prefix}-a", batchedIo: batchedIo);
        await AddHostAsync(tap, "10.66.4.1/24");
        await Shell.RunAsync("ip", "-n", $"{_prefix}-a", "link", "set", "dev", tap.InterfaceName, "down");
        var pool = new PacketPool(16);
        var packets = Enumerable.Range(1, 10).Select(i =>
        {
            var packet = pool.Rent()!;
            packet.Load(FrameBuilder.Ethernet(MacAddress.Broadcast, FrameBuilder.Mac(i), etherType: 0x88B5));
            return packet;
        }).ToArray();

        tap.Send(packets);

        Assert.Equal(PortState.NoCarrier, tap.State);
        Assert.Equal(0, tap.Counters.Traffic[PortTraffic.SentPackets]);
        Assert.Equal(10, tap.Counters.Drops[PortDrop.SendError] + tap.Counters.Drops[PortDrop.Down]);
        Assert.Equal(pool.Capacity, pool.Available);
    }

    /// <summary>Two lab hosts joined by a wire through the worker: 10.66.1.1 on tap a, 10.66.1.2 on tap b.</summary>
    private async Task<(TapPort A, TapPort B, PipelineWorker Worker, string NsA, string NsB)> WiredHostsAsync()
    {
        var tapA = TapPort.Create("a", $"{_prefix}-a");
        var tapB = TapPort.Create("b", $"{_prefix}-b");
        string nsA = await AddHostAsync(tapA, "10.66.1.1/24");
        string nsB = await AddHostAsync(tapB, "10.66.1.2/24");
        var builder = new GraphBuilder();
        int w = builder.AddFunction("wire", new MeasuringWire(), 2, []);
        builder.Link(GraphEndpoint.External(builder.AddPort(tapA)), GraphEndpoint.Function(w, 0));
        builder.Link(GraphEndpoint.Function(w, 1), GraphEndpoint.External(builder.AddPort(tapB)));
        var worker = new PipelineWorker(builder.Build(new PacketPool(256), new GraphOptions()), TimeProvider.System, NullLogger.Instance);
        worker.Start();
        return (tapA, tapB, worker, nsA, nsB);
    }

    private static async Task<bool> PingAsync(string ns, string address, int count = 1) =>
        (await Shell.InNamespaceAsync(ns, TimeSpan.FromSeconds(10), "ping", "-c", count.ToString(), "-i", "0.2", "-W", "1", address)).ExitCode == 0;

    [PrivilegedFact]
    public async Task A_tap_whose_namespace_is_deleted_is_gone_and_no_longer_read_and_reopening_brings_it_back()
    {
        var (tapA, tapB, worker, nsA, nsB) = await WiredHostsAsync();
        using var _ = tapA;
        using var __ = tapB;
        using var ___ = worker;
        Assert.True(await PingAsync(nsA, "10.66.1.2"));
        var mac = tapB.ReadHardwareAddress();

        await Shell.DeleteNamespaceAsync(nsB);
        await Eventually.UntilAsync(() => tapB.State == PortState.Gone, "port b to be gone", TimeSpan.FromSeconds(5));
        long errors = tapB.Counters.Drops[PortDrop.ReceiveError];
        Assert.False(await PingAsync(nsA, "10.66.1.2", count: 3));

        // Before, a gone TAP was read ~15,000 times a second (epoll reports it ready for ever); now it is not read at all.
        Assert.Equal(errors, tapB.Counters.Drops[PortDrop.ReceiveError]);
        Assert.True(tapB.Counters.Drops[PortDrop.Down] > 0, "frames to a gone port are counted as dropped");
        Assert.Equal(PortState.Up, tapA.State);

        await worker.ChangePortAsync(1, port => ((TapPort)port).Reopen(mac));
        Assert.Equal(PortState.Up, tapB.State);
        Assert.True(Directory.Exists($"/sys/class/net/{tapB.InterfaceName}"), "the new device is made in this namespace");
        await AddHostAsync(tapB, "10.66.1.2/24");
        Assert.Equal(mac, tapB.ReadHardwareAddress());
        // Frames from a (IPv6 router solicitations) may reach the new device before it is up, so the port can be
        // waiting out its no-carrier retry when the first ping comes: three pings, one of which must come back.
        Assert.True(await PingAsync(nsA, "10.66.1.2", count: 3), "traffic flows through the new device, which has the old one's MAC, so a's ARP entry holds");
        Assert.Null(worker.Fault);
    }

    [PrivilegedFact]
    public async Task A_tap_whose_interface_goes_down_has_no_carrier_until_it_is_up_again()
    {
        var (tapA, tapB, worker, nsA, nsB) = await WiredHostsAsync();
        using var _ = tapA;
        using var __ = tapB;
        using var ___ = worker;

        // b's MAC as a permanent neighbour, so a sends its echo requests at once rather than an ARP request a second.
        await Shell.RunAsync("ip", "-n", nsA, "neigh", "replace", "10.66.1.2", "lladdr", tapB.ReadHardwareAddress().ToString(), "dev", tapA.InterfaceName, "nud", "permanent");
        await Shell.RunAsync("ip", "-n", nsB, "link", "set", "dev", tapB.InterfaceName, "down");
        var flood = System.Diagnostics.Stopwatch.StartNew();
        Assert.False((await Shell.InNamespaceAsync(nsA, TimeSpan.FromSeconds(10), "ping", "-c", "20", "-i", "0.05", "-W", "1", "10.66.1.2")).ExitCode == 0);
        flood.Stop();

        Assert.Equal(PortState.NoCarrier, tapB.State);
        long writes = tapB.Counters.Drops[PortDrop.SendError];
        Assert.True(tapB.Counters.Drops[PortDrop.Down] > 0, "frames to a port without carrier are dropped without a write");
        Assert.True(writes <= flood.ElapsedMilliseconds / 250 + 1, $"after a failed write, writes are tried once a quarter second: {writes} in {flood.ElapsedMilliseconds} ms");

        await Shell.RunAsync("ip", "-n", nsB, "link", "set", "dev", tapB.InterfaceName, "up");
        Assert.True(await PingAsync(nsA, "10.66.1.2", count: 10), "pings come back once the interface is up");
        Assert.Equal(PortState.Up, tapB.State);
    }

    [PrivilegedFact]
    public async Task Closing_a_port_removes_its_device_and_stops_polling_it()
    {
        var (tapA, tapB, worker, _, _) = await WiredHostsAsync();
        using var a = tapA;
        using var b = tapB;
        using var w = worker;

        await worker.ChangePortAsync(1, port => ((TapPort)port).Close());

        Assert.Equal(PortState.Gone, tapB.State);
        Assert.Null(tapB.PollHandle);
        Assert.Null(worker.Fault);
    }

    private async Task<string> AddHostAsync(TapPort tap, string address)
    {
        string ns = $"{_prefix}-{tap.Name}";
        if (!_namespaces.Contains(ns))
        {
            _namespaces.Add(ns);
        }
        string[][] make = File.Exists($"/run/netns/{ns}") ? [] : [["netns", "add", ns]];
        string[][] commands =
        [
            .. make,
            ["link", "set", "dev", tap.InterfaceName, "netns", ns],
            ["-n", ns, "addr", "add", address, "dev", tap.InterfaceName],
            ["-n", ns, "link", "set", "dev", tap.InterfaceName, "up"],
            ["-n", ns, "link", "set", "dev", "lo", "up"],
        ];
        foreach (var command in commands)
        {
            var result = await Shell.RunAsync("ip", command);
            Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', command)}: {result}");
        }
        return ns;
    }

    /// <summary>A two-port wire that notes the largest frame and how many were GSO super-frames.</summary>
    private sealed class MeasuringWire : INetworkFunction
    {
        public int LargestFrame;
        public long GsoFrames;

        public void Process(PacketBatch batch, Emitter emit)
        {
            foreach (var packet in batch.AsSpan())
            {
                LargestFrame = Math.Max(LargestFrame, packet.Length);
                if (packet.Offload.IsGso)
                {
                    GsoFrames++;
                }
                emit.To(1 - packet.InputPort, packet);
            }
        }
    }
}

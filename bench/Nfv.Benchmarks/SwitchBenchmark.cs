using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Switch;

namespace Nfv.Benchmarks;

/// <summary>
/// The switch's hot path in ns per packet: 60-byte frames (64 on the wire with the FCS) in batches of 32,
/// 64 batches per invocation, so every figure is per packet (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SwitchBenchmark
{
    private const int BatchSize = 32;
    private const int Batches = 64;
    private const int PacketsPerInvoke = BatchSize * Batches;
    private const int FrameLength = 60;
    private const int Hosts = 4096;

    private readonly BenchEmitter _emit = new();
    private SwitchFunction _twoPorts = null!;
    private SwitchFunction _fivePorts = null!;
    private SwitchFunction _manyHosts = null!;
    private SwitchFunction _vlan = null!;
    private PacketBatch _unicast = null!;
    private PacketBatch _broadcast = null!;
    private PacketBatch _vlanBatch = null!;
    private PacketBatch[] _manyHostBatches = null!;
    private PacketBatch _teach = null!;

    /// <summary>Builds the switches, teaches them the hosts, and prepares the batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var pool = new PacketPool(BatchSize * (Batches + 8), 256);
        _teach = new PacketBatch(1);
        _teach.Add(pool.Rent()!);
        var a = Mac(1);
        var b = Mac(2);

        _twoPorts = new SwitchFunction("bench", new SwitchOptions { Ports = [SwitchPort.Access("a"), SwitchPort.Access("b")] });
        Teach(_twoPorts, pool, b, 1);
        _unicast = Batch(pool, BatchSize, _ => (Frame(b, a), 0));

        _fivePorts = new SwitchFunction("bench", new SwitchOptions
        {
            Ports = [SwitchPort.Access("a"), SwitchPort.Access("b"), SwitchPort.Access("c"), SwitchPort.Access("d"), SwitchPort.Access("e")],
        });
        _broadcast = Batch(pool, BatchSize, _ => (Frame(MacAddress.Broadcast, a), 0));

        // 4096 hosts, half on each port; each batch carries 32 different (source, destination) pairs.
        _manyHosts = new SwitchFunction("bench", new SwitchOptions { Ports = [SwitchPort.Access("a"), SwitchPort.Access("b")] });
        for (int h = 0; h < Hosts; h++)
        {
            Teach(_manyHosts, pool, Mac(100 + h), h & 1);
        }
        _manyHostBatches = new PacketBatch[Batches];
        var random = new Random(42);
        for (int n = 0; n < Batches; n++)
        {
            _manyHostBatches[n] = Batch(pool, BatchSize, _ =>
            {
                int src = random.Next(Hosts / 2) * 2;      // a host on port 0
                int dst = random.Next(Hosts / 2) * 2 + 1;  // a host on port 1
                return (Frame(Mac(100 + dst), Mac(100 + src)), 0);
            });
        }

        // Access port in VLAN 10 and a trunk: each frame gets a tag pushed, then popped on the way back.
        _vlan = new SwitchFunction("bench", new SwitchOptions { Ports = [SwitchPort.Access("a", 10), SwitchPort.Trunk("up", [10, 20])] });
        Teach(_vlan, pool, a, 0);
        _teach[0].Load(Tag(Frame(MacAddress.Broadcast, b), 10), 1);
        _vlan.Process(_teach, _emit);
        _vlanBatch = Batch(pool, BatchSize, _ => (Frame(b, a), 0));
        Check();
    }

    /// <summary>Known unicast between two access ports: learn the source, look up the destination, send.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void KnownUnicast()
    {
        for (int n = 0; n < Batches; n++)
        {
            _twoPorts.Process(_unicast, _emit);
        }
    }

    /// <summary>Known unicast among 4096 learned hosts: the MAC table no longer sits in L1.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void KnownUnicast4096Hosts()
    {
        for (int n = 0; n < Batches; n++)
        {
            _manyHosts.Process(_manyHostBatches[n], _emit);
        }
    }

    /// <summary>Broadcast from one port to the 4 others: 3 copies and the original per frame.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void Broadcast4Ports()
    {
        for (int n = 0; n < Batches; n++)
        {
            _fivePorts.Process(_broadcast, _emit);
        }
    }

    /// <summary>
    /// Access to trunk (tag pushed) then trunk to access (tag popped) for every frame: the figure is per switch
    /// pass, i.e. the mean of one push and one pop.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2 * PacketsPerInvoke)]
    public void VlanPushPop()
    {
        var packets = _vlanBatch.AsSpan();
        for (int n = 0; n < Batches; n++)
        {
            _vlan.Process(_vlanBatch, _emit);      // a → up: tag pushed
            foreach (var p in packets)
            {
                p.InputPort = 1;
                // Swap the addresses so the frame goes back to a: b's frames come from up.
                Swap(p.Data);
            }
            _vlan.Process(_vlanBatch, _emit);      // up → a: tag popped
            foreach (var p in packets)
            {
                p.InputPort = 0;
                Swap(p.Data);
            }
        }
    }

    private static void Swap(Span<byte> frame)
    {
        ulong dst = BinaryPrimitives.ReadUInt64BigEndian(frame) >> 16;
        ulong src = BinaryPrimitives.ReadUInt64BigEndian(frame[4..]) & 0xFFFF_FFFF_FFFFUL;
        new MacAddress(src).Write(frame);
        new MacAddress(dst).Write(frame[6..]);
    }

    private static MacAddress Mac(int host) => new(0x0200_0000_0000UL | (uint)host);

    private static byte[] Frame(MacAddress destination, MacAddress source)
    {
        var frame = new byte[FrameLength];
        destination.Write(frame);
        source.Write(frame.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthernetHeader.TypeIpv4);
        return frame;
    }

    private static byte[] Tag(byte[] frame, int vlan)
    {
        var tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), EthernetHeader.TypeVlan);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), (ushort)vlan);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }

    private void Teach(SwitchFunction function, PacketPool pool, MacAddress host, int port)
    {
        _teach[0].Load(Frame(MacAddress.Broadcast, host), port);
        function.Process(_teach, _emit);
    }

    // Runs each benchmark once and checks that every frame went where it should: a benchmark that measured a
    // drop path by mistake would report a flattering figure.
    private void Check()
    {
        long sent = _emit.Sent, dropped = _emit.Dropped;
        long flooded = _twoPorts.Counters[SwitchEvent.Flooded] + _manyHosts.Counters[SwitchEvent.Flooded] + _vlan.Counters[SwitchEvent.Flooded];
        KnownUnicast();
        Expect(PacketsPerInvoke, ref sent);
        KnownUnicast4096Hosts();
        Expect(PacketsPerInvoke, ref sent);
        Broadcast4Ports();
        Expect(4 * PacketsPerInvoke, ref sent);
        VlanPushPop();
        Expect(2 * PacketsPerInvoke, ref sent);
        if (_emit.Dropped != dropped)
        {
            throw new InvalidOperationException($"{_emit.Dropped - dropped} packets were dropped.");
        }
        if (_twoPorts.Counters[SwitchEvent.Flooded] + _manyHosts.Counters[SwitchEvent.Flooded] + _vlan.Counters[SwitchEvent.Flooded] != flooded)
        {
            throw new InvalidOperationException("A unicast benchmark flooded: its hosts were not learned.");
        }

        void Expect(long count, ref long before)
        {
            if (_emit.Sent - before != count)
            {
                throw new InvalidOperationException($"Expected {count} packets sent, got {_emit.Sent - before}.");
            }
            before = _emit.Sent;
        }
    }

    private static PacketBatch Batch(PacketPool pool, int count, Func<int, (byte[] Frame, int Port)> make)
    {
        var batch = new PacketBatch(count);
        for (int i = 0; i < count; i++)
        {
            var (frame, port) = make(i);
            var packet = pool.Rent() ?? throw new InvalidOperationException("Benchmark pool too small.");
            packet.Load(frame, port);
            batch.Add(packet);
        }
        return batch;
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Ports;
using Nfv.Ip;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Dataplane.Tests.Ports;

/// <summary>
/// VXLAN ports over the loopback underlay (127.0.0.1, .2 and .3 are all this machine's; no privilege needed): frames
/// cross whole with the VNI checked and unknown senders refused, broadcast reaches every remote and learned unicast
/// only its own, and a TCP super-frame from a lab host arrives as segments a receiver accepts.
/// </summary>
public sealed class VxlanPortTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA), B = FrameBuilder.Mac(0xB), C = FrameBuilder.Mac(0xC);
    private readonly ushort _port = (ushort)Random.Shared.Next(20000, 30000);
    private readonly PacketPool _pool = new(256);
    private readonly List<VxlanPort> _open = [];

    private VxlanPort Open(string local, uint vni, params string[] remotes) =>
        Track(VxlanPort.Open(local, new VxlanSettings([.. remotes.Select(Ipv4Address.Parse)], vni) { Local = Ipv4Address.Parse(local), Port = _port }));

    private VxlanPort Track(VxlanPort port)
    {
        _open.Add(port);
        return port;
    }

    private void Send(VxlanPort port, byte[] frame, VirtioNetHeader offload = default)
    {
        var packet = _pool.Rent()!;
        packet.Load(frame);
        packet.Offload = offload;
        port.Send(packet);
    }

    // What arrives within a second (fewer when fewer come).
    private List<byte[]> Receive(VxlanPort port, int expected)
    {
        var frames = new List<byte[]>();
        var batch = new PacketBatch(64);
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (frames.Count < expected && DateTime.UtcNow < deadline)
        {
            batch.Clear();
            port.Receive(batch, _pool);
            foreach (var packet in batch.AsSpan())
            {
                frames.Add(packet.Data.ToArray());
                packet.Release();
            }
            Thread.Sleep(frames.Count < expected ? 5 : 0);
        }
        return frames;
    }

    private static byte[] Udp(MacAddress to, MacAddress from) =>
        IpPackets.WithL4Checksum(IpPackets.Ip(to, from, "10.85.0.1", "10.85.0.2", Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 6000)));

    [Fact]
    public void A_frame_crosses_the_tunnel_whole_and_the_counters_see_it()
    {
        var a = Open("127.0.0.1", 100, "127.0.0.2");
        var b = Open("127.0.0.2", 100, "127.0.0.1");
        var frame = Udp(B, A);
        Send(a, frame);
        Assert.Equal(frame, Assert.Single(Receive(b, 1)));
        Assert.Equal(1, a.Counters.Traffic[PortTraffic.SentPackets]);
        Assert.Equal(frame.Length, b.Counters.Traffic[PortTraffic.ReceivedBytes]);
    }

    [Fact]
    public void Another_vni_or_a_sender_that_is_not_a_remote_is_refused()
    {
        var a = Open("127.0.0.1", 100, "127.0.0.2");
        var b = Open("127.0.0.2", 200, "127.0.0.1"); // same socket address, another VNI
        Send(a, Udp(B, A));
        Assert.Empty(Receive(b, 1));
        Assert.Equal(1, b.Counters.Drops[PortDrop.Foreign]);

        var stranger = Open("127.0.0.3", 100, "127.0.0.2"); // B does not list 127.0.0.3
        Send(stranger, Udp(B, C));
        Assert.Empty(Receive(b, 1));
        Assert.Equal(2, b.Counters.Drops[PortDrop.Foreign]);
    }

    [Fact]
    public void Broadcast_goes_to_every_remote_and_unicast_to_the_remote_its_mac_was_learned_from()
    {
        var hub = Open("127.0.0.1", 100, "127.0.0.2", "127.0.0.3");
        var b = Open("127.0.0.2", 100, "127.0.0.1");
        var c = Open("127.0.0.3", 100, "127.0.0.1");

        Send(hub, Udp(MacAddress.Broadcast, A));
        Assert.Single(Receive(b, 1));
        Assert.Single(Receive(c, 1));

        Send(c, Udp(A, C)); // the hub learns C behind 127.0.0.3
        Assert.Single(Receive(hub, 1));
        Send(hub, Udp(C, A));
        Assert.Single(Receive(c, 1));
        Assert.Empty(Receive(b, 1));

        Send(hub, Udp(B, A)); // B not learned yet: unknown unicast goes everywhere
        Assert.Single(Receive(b, 1));
        Assert.Single(Receive(c, 1));
    }

    [Fact]
    public void A_tcp_super_frame_arrives_as_segments_with_their_checksums_right()
    {
        var a = Open("127.0.0.1", 100, "127.0.0.2");
        var b = Open("127.0.0.2", 100, "127.0.0.1");
        var (superFrame, offload) = SuperFrame(3000, 1000);
        Send(a, superFrame, offload);
        var segments = Receive(b, 3);
        Assert.Equal(3, segments.Count);
        AssertSegments(superFrame, segments, 1000);
    }

    [Fact]
    public void Segmentation_splits_the_payload_and_fixes_lengths_ids_sequence_flags_and_checksums()
    {
        var (superFrame, offload) = SuperFrame(2500, 1000);
        var packet = _pool.Rent()!;
        packet.Load(superFrame);
        packet.Offload = offload;
        var plan = TcpSegmentation.Plan(packet);
        Assert.NotNull(plan);
        Assert.Equal(3, plan.Value.Segments);
        var segments = new List<byte[]>();
        for (int i = 0; i < plan.Value.Segments; i++)
        {
            var segment = new byte[TcpSegmentation.SegmentLength(plan.Value, i)];
            Assert.Equal(segment.Length, TcpSegmentation.Write(packet, plan.Value, i, segment));
            segments.Add(segment);
        }
        packet.Release();
        AssertSegments(superFrame, segments, 1000);
        Assert.Equal(14 + 20 + 20 + 500, segments[2].Length); // the last one carries what is left
    }

    [Fact]
    public void A_tcp_super_frame_over_ipv6_splits_with_payload_lengths_sequence_flags_and_checksums()
    {
        // As a TAP hands it over: FIN, PSH and ACK set, the partial checksum left as it is (Write computes the whole).
        var superFrame = Ipv6Packets.Ip(B, A, "2001:db8:85::1", "2001:db8:85::2", 6, IpPackets.Tcp(2500, flags: 0x19));
        BinaryPrimitives.WriteUInt32BigEndian(superFrame.AsSpan(14 + 40 + 4), 1_000_000);
        var packet = _pool.Rent()!;
        packet.Load(superFrame);
        packet.Offload = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum, GsoType = VirtioNetHeader.GsoTcpV6, GsoSize = 1000, HeaderLength = 74,
            ChecksumStart = 54, ChecksumOffset = 16,
        };
        var plan = TcpSegmentation.Plan(packet);
        Assert.NotNull(plan);
        Assert.True(plan.Value.Ipv6);
        Assert.Equal(3, plan.Value.Segments);
        for (int i = 0; i < plan.Value.Segments; i++)
        {
            var segment = new byte[TcpSegmentation.SegmentLength(plan.Value, i)];
            TcpSegmentation.Write(packet, plan.Value, i, segment);
            Assert.Equal(segment.Length - 54, BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(18))); // payload length
            Assert.Equal(1_000_000u + (uint)(i * 1000), BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(58)));
            Assert.Equal(i == 2 ? 0x19 : 0x10, segment[67]);
            Assert.Equal(superFrame.AsSpan(74 + (i * 1000), segment.Length - 74).ToArray(), segment.AsSpan(74).ToArray());
            Assert.True(Ipv6Packets.ChecksumOk(segment), $"segment {i}: TCP checksum over the IPv6 pseudo-header");
        }
        packet.Release();
    }

    // A TCP/IPv4 super-frame as a TAP hands it over: FIN, PSH and ACK set, the checksum partial (pseudo-header sum only).
    internal static (byte[] Frame, VirtioNetHeader Offload) SuperFrame(int payload, ushort segmentSize)
    {
        var frame = IpPackets.Ip(B, A, "10.85.0.1", "10.85.0.2", Ipv4Header.ProtocolTcp, IpPackets.Tcp(payload, flags: 0x19), id: 100);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 20 + 4), 1_000_000);
        var offload = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum,
            GsoType = VirtioNetHeader.GsoTcpV4,
            GsoSize = segmentSize,
            HeaderLength = 54,
            ChecksumStart = 34,
            ChecksumOffset = 16,
        };
        return (frame, offload);
    }

    internal static void AssertSegments(byte[] superFrame, List<byte[]> segments, int size)
    {
        for (int i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            bool last = i == segments.Count - 1;
            Assert.True(IpPackets.IpChecksumOk(segment), $"segment {i}: IPv4 checksum");
            Assert.Equal(segment.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(16)));
            Assert.Equal(100 + i, BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(18)));
            Assert.Equal(1_000_000u + (uint)(i * size), BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(38)));
            Assert.Equal(last ? 0x19 : 0x10, segment[47]); // FIN and PSH on the last only
            Assert.Equal(superFrame.AsSpan(54 + (i * size), segment.Length - 54).ToArray(), segment.AsSpan(54).ToArray());
            var recomputed = IpPackets.WithL4Checksum(segment.ToArray());
            Assert.True(recomputed.AsSpan().SequenceEqual(segment), $"segment {i}: TCP checksum");
        }
    }

    public void Dispose()
    {
        foreach (var port in _open)
        {
            port.Dispose();
        }
    }
}

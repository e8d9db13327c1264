using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.RouterHarness;

namespace Nfv.Functions.Router.Tests;

public class ForwardingTests
{
    private static RouterHarness Ready(RouterOptions? options = null)
    {
        var h = new RouterHarness(options);
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        return h;
    }

    [Fact]
    public void Forwards_between_subnets_rewriting_macs_and_decrementing_ttl()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1000, 2000), ttl: 10));

        h.Emit.AssertSentTo(Wan);
        var frame = h.Emit.SentTo(Wan);
        Assert.Equal(H2Mac, EthernetHeader.Destination(frame));
        Assert.Equal(h.WanMac, EthernetHeader.Source(frame));
        Assert.Equal(9, IpPackets.Ttl(frame));
        Assert.True(IpPackets.IpChecksumOk(frame));
        Assert.Equal(1, h.Counters[RouterEvent.Forwarded]);
    }

    [Fact]
    public void Ttl_one_gets_time_exceeded_from_the_ingress_address_quoting_the_packet()
    {
        var h = Ready();
        var original = h.FromH1(H2, 17, IpPackets.Udp(1000, 33434), ttl: 1);
        h.Send(Lan, original);

        Assert.Equal((int)RouterDrop.TtlExpired, Assert.Single(h.Emit.Dropped).Reason);
        var error = h.Emit.SentTo(Lan);
        Assert.Equal(H1Mac, EthernetHeader.Destination(error));
        Assert.Equal("10.0.0.1", IpPackets.Src(error));
        Assert.Equal(H1, IpPackets.Dst(error));
        var icmp = IpPackets.L4(error);
        Assert.Equal((11, 0), (icmp[0], icmp[1]));
        Assert.True(IpPackets.ChecksumOk(icmp));
        Assert.True(IpPackets.IpChecksumOk(error));
        // The quote: the original IP header and the first 8 bytes of its data (here the whole datagram).
        Assert.True(icmp[8..].SequenceEqual(original.AsSpan(14)));
        Assert.Equal(default, h.Emit.Sent[0].Offload);
    }

    [Fact]
    public void No_route_gets_net_unreachable()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("8.8.8.8", 1, IpPackets.EchoRequest()));
        Assert.Equal((int)RouterDrop.NoRoute, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = IpPackets.L4(h.Emit.SentTo(Lan));
        Assert.Equal((3, 0), (icmp[0], icmp[1]));
    }

    [Fact]
    public void Default_route_via_a_gateway_sends_to_the_gateway_mac()
    {
        var gatewayMac = FrameBuilder.Mac(0x99);
        var h = new RouterHarness(Default(routes: [new StaticRoute { Prefix = Ipv4Prefix.Parse("0.0.0.0/0"), Via = Ipv4Address.Parse("192.0.2.254") }]));
        h.Teach(Wan, gatewayMac, "192.0.2.254");
        h.Send(Lan, h.FromH1("8.8.8.8", 17, IpPackets.Udp(1, 2)));
        Assert.Equal(gatewayMac, EthernetHeader.Destination(h.Emit.SentTo(Wan)));
    }

    [Fact]
    public void Udp_to_an_own_address_gets_port_unreachable()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("192.0.2.1", 17, IpPackets.Udp(1000, 33434)));
        Assert.Equal((int)RouterDrop.PortUnreachable, Assert.Single(h.Emit.Dropped).Reason);
        var error = h.Emit.SentTo(Lan);
        var icmp = IpPackets.L4(error);
        Assert.Equal((3, 3), (icmp[0], icmp[1]));
        Assert.Equal("10.0.0.1", IpPackets.Src(error));
    }

    [Fact]
    public void Echo_request_to_any_own_address_is_answered_from_that_address()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("192.0.2.1", 1, IpPackets.EchoRequest(ident: 42, seq: 3)));
        h.Emit.AssertSentTo(Lan);
        var reply = h.Emit.SentTo(Lan);
        Assert.Equal(H1Mac, EthernetHeader.Destination(reply));
        Assert.Equal(h.LanMac, EthernetHeader.Source(reply));
        Assert.Equal("192.0.2.1", IpPackets.Src(reply));
        Assert.Equal(H1, IpPackets.Dst(reply));
        var icmp = IpPackets.L4(reply);
        Assert.Equal(0, icmp[0]);
        Assert.Equal(42, BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]));
        Assert.True(IpPackets.ChecksumOk(icmp));
        Assert.True(IpPackets.IpChecksumOk(reply));
        Assert.Equal(1, h.Counters[RouterEvent.EchoReplies]);
    }

    [Fact]
    public void Df_and_too_big_gets_fragmentation_needed_with_the_next_hop_mtu()
    {
        var h = Ready(Default(wanMtu: 1400));
        h.Send(Lan, h.FromH1(H2, 1, IpPackets.EchoRequest(dataLength: 1472), df: true));
        Assert.Equal((int)RouterDrop.FragmentationNeeded, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = IpPackets.L4(h.Emit.SentTo(Lan));
        Assert.Equal((3, 4), (icmp[0], icmp[1]));
        Assert.Equal(1400, BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]));
        Assert.True(IpPackets.ChecksumOk(icmp));
    }

    [Fact]
    public void Df_clear_and_too_big_is_fragmented_into_pieces_that_reassemble()
    {
        var h = Ready(Default(wanMtu: 576));
        var udp = IpPackets.Udp(1000, 2000, dataLength: 1400);
        h.Send(Lan, h.FromH1(H2, 17, udp));

        Assert.Empty(h.Emit.Dropped);
        Assert.All(h.Emit.Sent, s => Assert.Equal(Wan, s.Port));
        Assert.Equal(3, h.Emit.Sent.Count);
        var data = new byte[udp.Length];
        int covered = 0;
        for (int i = 0; i < h.Emit.Sent.Count; i++)
        {
            var f = h.Emit.Sent[i].Frame;
            Assert.True(IpPackets.IpChecksumOk(f));
            Assert.True(f.Length - 14 <= 576);
            ushort word = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 6));
            bool more = (word & 0x2000) != 0;
            Assert.Equal(i < h.Emit.Sent.Count - 1, more);
            int offset = (word & 0x1FFF) * 8;
            var payload = IpPackets.L4(f);
            Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 2)) - IpPackets.Ihl(f), payload.Length);
            payload.CopyTo(data.AsSpan(offset));
            covered += payload.Length;
            Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 4)));
            Assert.Equal(63, IpPackets.Ttl(f));
        }
        Assert.Equal(udp.Length, covered);
        Assert.Equal(udp, data);
        Assert.Equal(1, h.Counters[RouterEvent.Fragmented]);
    }

    [Fact]
    public void Other_protocols_to_an_own_address_get_protocol_unreachable_and_tcp_is_dropped_silently()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1("10.0.0.1", 47, new byte[24]));
        Assert.Equal((int)RouterDrop.ProtocolUnreachable, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = IpPackets.L4(h.Emit.SentTo(Lan));
        Assert.Equal((3, 2), (icmp[0], icmp[1]));

        h.Send(Lan, h.FromH1("10.0.0.1", 6, IpPackets.Tcp(0)));
        h.Emit.AssertDropped(RouterDrop.LocalUnserved);
    }

    [Fact]
    public void Later_fragments_carry_only_the_options_marked_copied()
    {
        var h = Ready(Default(wanMtu: 576));
        // Loose source route (0x83, copied), record route (0x07, not copied), NOP, end of list: 16 bytes.
        byte[] options = [0x83, 7, 4, 192, 0, 2, 99, 0x07, 7, 4, 0, 0, 0, 0, 0x01, 0x00];
        var udp = IpPackets.Udp(1000, 2000, dataLength: 1200);
        h.Send(Lan, IpPackets.Ip(h.LanMac, H1Mac, H1, H2, 17, udp, options: options));

        Assert.Empty(h.Emit.Dropped);
        var whole = new byte[udp.Length];
        for (int i = 0; i < h.Emit.Sent.Count; i++)
        {
            var f = h.Emit.Sent[i].Frame;
            Assert.True(IpPackets.IpChecksumOk(f));
            Assert.True(f.Length - 14 <= 576);
            if (i == 0)
            {
                Assert.Equal(36, IpPackets.Ihl(f));
                Assert.True(f.AsSpan(14 + 20, 16).SequenceEqual(options));
            }
            else
            {
                Assert.Equal(28, IpPackets.Ihl(f));
                Assert.True(f.AsSpan(14 + 20, 7).SequenceEqual(options.AsSpan(0, 7)));
                Assert.Equal(0, f[14 + 27]);
            }
            int offset = (BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 6)) & 0x1FFF) * 8;
            IpPackets.L4(f).CopyTo(whole.AsSpan(offset));
        }
        Assert.Equal(udp, whole);
    }

    [Fact]
    public void Fragmenting_a_partial_checksum_finishes_it_first()
    {
        var h = Ready(Default(wanMtu: 576));
        var udp = IpPackets.Udp(1000, 2000, dataLength: 1000);
        // Partial checksum: the field holds the folded pseudo-header sum (as the kernel leaves it).
        uint pseudo = Checksum.PseudoHeaderSum(Ipv4Address.Parse(H1), Ipv4Address.Parse(H2), 17, udp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(6), Checksum.Fold(pseudo));
        var offload = new VirtioNetHeader { Flags = VirtioNetHeader.FlagNeedsChecksum, ChecksumStart = 34, ChecksumOffset = 6 };
        h.Send(Lan, h.FromH1(H2, 17, udp), offload);

        Assert.Equal(2, h.Emit.Sent.Count);
        var whole = new byte[udp.Length];
        foreach (var s in h.Emit.Sent)
        {
            Assert.False(s.Offload.NeedsChecksum);
            int offset = (BinaryPrimitives.ReadUInt16BigEndian(s.Frame.AsSpan(14 + 6)) & 0x1FFF) * 8;
            IpPackets.L4(s.Frame).CopyTo(whole.AsSpan(offset));
        }
        // Verify the UDP checksum over pseudo-header + datagram.
        var check = new byte[12 + whole.Length];
        Ipv4Address.Parse(H1).Write(check);
        Ipv4Address.Parse(H2).Write(check.AsSpan(4));
        check[9] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(check.AsSpan(10), (ushort)whole.Length);
        whole.CopyTo(check.AsSpan(12));
        Assert.True(IpPackets.ChecksumOk(check));
    }

    [Fact]
    public void Gso_frame_whose_segments_fit_is_forwarded_whole_and_keeps_its_offload()
    {
        var h = Ready(Default(wanMtu: 1500));
        var frame = h.FromH1(H2, 6, IpPackets.Tcp(20000), df: true);
        var offload = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum,
            GsoType = VirtioNetHeader.GsoTcpV4,
            GsoSize = 1448,
            HeaderLength = 66,
            ChecksumStart = 34,
            ChecksumOffset = 16,
        };
        h.Send(Lan, frame, offload);
        h.Emit.AssertSentTo(Wan);
        var sent = h.Emit.Sent[0];
        Assert.Equal(frame.Length, sent.Frame.Length);
        Assert.Equal(offload, sent.Offload);
        Assert.True(IpPackets.IpChecksumOk(sent.Frame));
    }

    [Fact]
    public void Gso_frame_whose_segments_do_not_fit_gets_fragmentation_needed()
    {
        var h = Ready(Default(wanMtu: 1400));
        var frame = h.FromH1(H2, 6, IpPackets.Tcp(20000), df: true);
        var offload = new VirtioNetHeader { GsoType = VirtioNetHeader.GsoTcpV4, GsoSize = 1448, HeaderLength = 66 };
        h.Send(Lan, frame, offload);
        Assert.Equal((int)RouterDrop.FragmentationNeeded, Assert.Single(h.Emit.Dropped).Reason);
        var icmp = IpPackets.L4(h.Emit.SentTo(Lan));
        Assert.Equal(1400, BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]));
    }

    [Theory]
    [InlineData("0.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("224.0.0.5")]
    [InlineData("255.255.255.255")]
    public void Martian_sources_are_dropped_without_an_error(string source)
    {
        var h = Ready();
        h.Send(Lan, IpPackets.Ip(h.LanMac, H1Mac, source, H2, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.MartianSource);
    }

    [Theory]
    [InlineData("192.0.2.255", RouterDrop.Broadcast)]
    [InlineData("255.255.255.255", RouterDrop.Broadcast)]
    [InlineData("239.1.1.1", RouterDrop.Multicast)]
    public void Broadcasts_and_multicasts_are_not_forwarded(string destination, RouterDrop reason)
    {
        var h = Ready();
        h.Send(Lan, h.FromH1(destination, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(reason);
    }

    [Fact]
    public void Bad_headers_are_dropped_by_reason()
    {
        var h = Ready();
        var good = h.FromH1(H2, 17, IpPackets.Udp(1, 2));

        var badVersion = (byte[])good.Clone();
        badVersion[14] = 0x65;
        h.Send(Lan, badVersion);
        h.Emit.AssertDropped(RouterDrop.BadVersion);

        var badIhl = (byte[])good.Clone();
        badIhl[14] = 0x44;
        h.Send(Lan, badIhl);
        h.Emit.AssertDropped(RouterDrop.BadHeaderLength);

        var badChecksum = (byte[])good.Clone();
        badChecksum[14 + 10] ^= 0xFF;
        h.Send(Lan, badChecksum);
        h.Emit.AssertDropped(RouterDrop.BadChecksum);

        var longTotal = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(longTotal.AsSpan(14 + 2), 1000);
        h.Send(Lan, longTotal);
        h.Emit.AssertDropped(RouterDrop.Truncated);

        h.Send(Lan, good.AsSpan(0, 30).ToArray());
        h.Emit.AssertDropped(RouterDrop.Truncated);

        h.Send(Lan, good.AsSpan(0, 10).ToArray());
        h.Emit.AssertDropped(RouterDrop.Runt);

        var otherMac = (byte[])good.Clone();
        FrameBuilder.Mac(0x77).Write(otherMac);
        h.Send(Lan, otherMac);
        h.Emit.AssertDropped(RouterDrop.OtherHost);

        var ipv6 = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(ipv6.AsSpan(12), 0x86DD);
        h.Send(Lan, ipv6);
        h.Emit.AssertDropped(RouterDrop.UnsupportedEtherType);
    }

    [Fact]
    public void Ethernet_padding_is_trimmed_from_a_short_datagram()
    {
        var h = Ready();
        var frame = h.FromH1(H2, 17, IpPackets.Udp(1, 2, dataLength: 0));
        var padded = new byte[60];
        frame.CopyTo(padded, 0);
        h.Send(Lan, padded);
        Assert.Equal(frame.Length, h.Emit.SentTo(Wan).Length);
    }

    [Fact]
    public void No_icmp_error_about_an_icmp_error_a_later_fragment_or_a_broadcast()
    {
        var h = Ready();
        h.Send(Lan, h.FromH1(H2, 1, IpPackets.IcmpError(3, 1), ttl: 1));
        h.Emit.AssertDropped(RouterDrop.TtlExpired);

        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2), ttl: 1, fragmentWord: 0x2000 | 100));
        h.Emit.AssertDropped(RouterDrop.TtlExpired);

        h.Send(Lan, IpPackets.Ip(MacAddress.Broadcast, H1Mac, H1, "8.8.8.8", 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.NoRoute);

        // The first fragment does get one.
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2), ttl: 1, fragmentWord: 0x2000));
        Assert.Single(h.Emit.Sent);
    }

    [Fact]
    public void Icmp_errors_are_rate_limited_by_a_token_bucket()
    {
        var h = new RouterHarness(Default() with { IcmpRate = 10, IcmpBurst = 3 });
        h.Teach(Lan, H1Mac, H1);
        var expired = h.FromH1(H2, 17, IpPackets.Udp(1, 2), ttl: 1);
        int sent = 0;
        for (int i = 0; i < 10; i++)
        {
            h.Send(Lan, expired);
            sent += h.Emit.Sent.Count;
        }
        Assert.Equal(3, sent);
        Assert.Equal(7, h.Counters[RouterEvent.IcmpRateLimited]);

        h.Time.Advance(TimeSpan.FromMilliseconds(100)); // one token
        h.Send(Lan, expired);
        Assert.Single(h.Emit.Sent);
        h.Send(Lan, expired);
        Assert.Empty(h.Emit.Sent);
    }

    [Fact]
    public void Forwarding_allocates_nothing()
    {
        var h = Ready();
        var frame = h.FromH1(H2, 17, IpPackets.Udp(1000, 2000));
        var pool = new PacketPool(8);
        var emitter = new NullEmitter();
        var batch = new PacketBatch(1);
        var packet = pool.Rent()!;
        batch.Add(packet);
        for (int i = 0; i < 100; i++)
        {
            packet.Load(frame, Lan);
            h.Router.Process(batch, emitter);
        }
        // Best of three rounds: the runtime itself may allocate once on this thread while tiering up the code.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                packet.Load(frame, Lan);
                h.Router.Process(batch, emitter);
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }

    private sealed class NullEmitter : Emitter
    {
        public int Sent;

        public override void To(int port, Packet packet) => Sent++;

        public override void Drop(Packet packet, int reason) => throw new InvalidOperationException($"dropped: {(RouterDrop)reason}");

        public override Packet? Clone(Packet packet) => null;

        public override Packet? Allocate() => null;
    }
}

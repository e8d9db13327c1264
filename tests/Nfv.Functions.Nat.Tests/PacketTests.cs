using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>Fragments, offloaded (partial checksum, GSO) frames, and malformed packets.</summary>
public class PacketTests
{
    [Fact]
    public void Later_fragments_follow_their_first_fragments_mapping()
    {
        var h = new NatHarness();
        // A 48-byte UDP datagram cut in two: the first fragment carries the header and 16 bytes, the second the rest.
        var udp = IpPackets.Udp(40000, 53, dataLength: 40);
        var whole = IpPackets.WithL4Checksum(IpPackets.Ip(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolUdp, udp));
        var l4 = whole.AsSpan(34).ToArray();
        var first = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, l4[..24], fragmentWord: Ipv4Header.MoreFragments, id: 77, checksum: false)!;
        Assert.Equal(External, IpPackets.Src(first));
        var later = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, l4[24..], fragmentWord: 3, id: 77)!;
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(External, IpPackets.Src(later));
        Assert.True(IpPackets.IpChecksumOk(later));
        Assert.Equal(1, h.Counters[NatEvent.FragmentsTranslated]);

        // Reassembled, the datagram's UDP checksum is right for the translated addresses.
        var reassembled = new byte[14 + 20 + 48];
        first.AsSpan(0, 14 + 20 + 24).CopyTo(reassembled);
        later.AsSpan(34).CopyTo(reassembled.AsSpan(14 + 20 + 24));
        BinaryPrimitives.WriteUInt16BigEndian(reassembled.AsSpan(16), 68);
        BinaryPrimitives.WriteUInt16BigEndian(reassembled.AsSpan(20), 0);
        BinaryPrimitives.WriteUInt16BigEndian(reassembled.AsSpan(24), 0);
        BinaryPrimitives.WriteUInt16BigEndian(reassembled.AsSpan(24), IpPackets.Sum(reassembled.AsSpan(14, 20)));
        Assert.True(ChecksumsOk(reassembled));
    }

    [Fact]
    public void A_later_fragment_without_its_first_is_dropped_and_counted_both_ways()
    {
        var h = new NatHarness();
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, new byte[16], fragmentWord: 3, id: 78));
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, new byte[16], fragmentWord: 3, id: 79));
        Assert.Equal(2, h.Drops[NatDrop.FragmentWithoutFirst]);
    }

    [Fact]
    public void Inbound_fragments_are_translated_as_their_first()
    {
        var h = new NatHarness();
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        var first = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000, dataLength: 16)[..24],
            fragmentWord: Ipv4Header.MoreFragments, id: 90, checksum: false);
        Assert.True(h.ReachedInside(first, H1));
        var later = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, new byte[16], fragmentWord: 3, id: 90);
        Assert.True(h.ReachedInside(later, H1));
        Assert.True(IpPackets.IpChecksumOk(later!));
    }

    [Fact]
    public void A_partial_checksum_gets_the_pseudo_header_of_the_new_addresses_and_completes_right()
    {
        var h = new NatHarness();
        var frame = IpPackets.Ip(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(200, 41000, 80));
        // As a sender with checksum offload hands it over: the TCP field holds the folded pseudo-header sum.
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20 + 16),
            Checksum.Fold(Checksum.PseudoHeaderSum(Ipv4Address.Parse(H1), Ipv4Address.Parse(R1), 6, 220)));
        var offload = new VirtioNetHeader { Flags = VirtioNetHeader.FlagNeedsChecksum, ChecksumStart = 34, ChecksumOffset = 16 };
        var outside = h.Send(Lan, frame, offload)!;
        var sent = Assert.Single(h.Emit.Sent);
        Assert.True(sent.Offload.NeedsChecksum);
        Assert.Equal(Checksum.Fold(Checksum.PseudoHeaderSum(Ipv4Address.Parse(External), Ipv4Address.Parse(R1), 6, 220)),
            BinaryPrimitives.ReadUInt16BigEndian(outside.AsSpan(14 + 20 + 16)));
        Assert.True(IpPackets.IpChecksumOk(outside));

        var packet = h.Emit.Pool.Rent()!;
        packet.Load(outside);
        packet.Offload = sent.Offload;
        Assert.True(Checksum.CompletePartial(packet));
        Assert.True(ChecksumsOk(packet.Data.ToArray()));
        packet.Release();
    }

    [Fact]
    public void A_gso_super_frame_is_translated_whole_with_its_partial_checksum()
    {
        var h = new NatHarness();
        var frame = IpPackets.Ip(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(4000, 41000, 80), df: true);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20 + 16),
            Checksum.Fold(Checksum.PseudoHeaderSum(Ipv4Address.Parse(H1), Ipv4Address.Parse(R1), 6, 0)));
        var offload = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum,
            GsoType = VirtioNetHeader.GsoTcpV4,
            GsoSize = 1448,
            HeaderLength = 54,
            ChecksumStart = 34,
            ChecksumOffset = 16,
        };
        var outside = h.Send(Lan, frame, offload)!;
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(frame.Length, outside.Length);
        Assert.Equal(External, IpPackets.Src(outside));
        Assert.Equal(Checksum.Fold(Checksum.PseudoHeaderSum(Ipv4Address.Parse(External), Ipv4Address.Parse(R1), 6, 0)),
            BinaryPrimitives.ReadUInt16BigEndian(outside.AsSpan(14 + 20 + 16)));
        Assert.Equal(offload, h.Emit.Sent[0].Offload);
    }

    [Fact]
    public void Truncated_transport_headers_are_dropped_as_malformed()
    {
        var h = new NatHarness();
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, new byte[4], checksum: false));
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, new byte[12], checksum: false));
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, new byte[4], checksum: false));
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, new byte[6], checksum: false));
        Assert.Equal(4, h.Drops[NatDrop.Malformed]);
        Assert.Equal(1, h.Nat.SessionCount);
    }

    [Fact]
    public void Protocols_and_icmp_types_the_nat_does_not_translate_do_not_leave()
    {
        var h = new NatHarness();
        Assert.Null(h.FromInside(H1, R1, 47, new byte[24])); // GRE
        var timestamp = new byte[20];
        timestamp[0] = 13;
        BinaryPrimitives.WriteUInt16BigEndian(timestamp.AsSpan(2), IpPackets.Sum(timestamp));
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, timestamp));
        Assert.Equal(1, h.Drops[NatDrop.UnsupportedProtocol]);
        Assert.Equal(1, h.Drops[NatDrop.UnsupportedIcmp]);
    }

    [Fact]
    public void Established_translation_both_ways_and_hairpinning_allocate_nothing()
    {
        var h = new NatHarness(new NatOptions
        {
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5000, To = Ipv4Address.Parse(H1), ToPort = 5000 }],
        });
        var outbound = IpPackets.WithL4Checksum(IpPackets.Ip(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53)));
        var inbound = IpPackets.WithL4Checksum(IpPackets.Ip(h.WanMac, R1Mac, R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 40000)));
        var hairpin = IpPackets.WithL4Checksum(IpPackets.Ip(h.LanMac, H2Mac, H2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 5000)));
        h.Send(Lan, outbound);
        var packet = h.Emit.Pool.Rent()!;
        long now = h.Time.GetTimestamp();
        var output = new Ipv4HookContext(Wan, Ipv4Address.Parse(External), 14, Ipv4Address.Parse(R1), now);
        var fromOutside = new Ipv4HookContext(Wan, Ipv4Address.Parse(External), 14, Ipv4Address.Any, now);
        var fromInside = new Ipv4HookContext(Lan, Ipv4Address.Parse("10.0.0.1"), 14, Ipv4Address.Any, now);
        int refused = 0; // verdicts other than Continue; asserted after the loops (xunit's asserts allocate)
        void Round()
        {
            packet.Load(outbound);
            refused += (int)h.Nat.Output(packet, output, h.Emit);
            packet.Load(inbound);
            refused += (int)h.Nat.Input(packet, fromOutside, h.Emit);
            packet.Load(hairpin);
            refused += (int)h.Nat.Input(packet, fromInside, h.Emit);
        }
        for (int i = 0; i < 1000; i++)
        {
            Round();
        }
        // Best of three rounds: the runtime itself may allocate once on this thread while tiering up the code.
        long allocated = long.MaxValue;
        int rounds = 0;
        for (; rounds < 3 && allocated != 0; rounds++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                Round();
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        packet.Release();
        Assert.True(allocated == 0, $"{allocated} bytes for 3000 packets");
        Assert.Equal(0, refused);
        Assert.Equal(1000 * (1 + rounds), h.Counters[NatEvent.Hairpinned]);
        Assert.Equal(3, h.Nat.SessionCount); // H1→R1, H2→its hairpin target, and the forward's session from H2's mapping
    }
}

using System.Buffers.Binary;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>ICMP errors translated both ways with the datagram they quote (RFC 5508, RFC 7857): addresses, ports, every checksum.</summary>
public class IcmpErrorTests
{
    /// <summary>An ICMP error quoting the first <paramref name="quoteLength"/> bytes of the IP datagram in <paramref name="frame"/>.</summary>
    internal static byte[] ErrorAbout(byte[] frame, byte type, byte code, int quoteLength, uint rest = 0)
    {
        var ip = frame.AsSpan(14);
        int length = Math.Min(quoteLength, BinaryPrimitives.ReadUInt16BigEndian(ip[2..]));
        var icmp = new byte[8 + length];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp.AsSpan(4), rest);
        ip[..length].CopyTo(icmp.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), IpPackets.Sum(icmp));
        return icmp;
    }

    private static byte[] Quote(byte[] frame) => IpPackets.L4(frame)[8..].ToArray();

    private static bool QuotedIpChecksumOk(byte[] quote) => IpPackets.ChecksumOk(quote.AsSpan(0, (quote[0] & 0xF) * 4));

    [Fact]
    public void Time_exceeded_from_a_router_on_the_path_reaches_the_inside_host_with_its_own_datagram_quoted()
    {
        var h = new NatHarness();
        var sent = IpPackets.WithL4Checksum(IpPackets.Ip(h.LanMac, H1Mac, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 33434)));
        var outside = h.Send(Lan, sent)!;
        // R2 is a router on the way to R1: the outer source is not the remote endpoint, the quote is.
        var error = h.FromOutside(R2, External, Ipv4Header.ProtocolIcmp, ErrorAbout(outside, IcmpHeader.TypeTimeExceeded, 0, 576));
        Assert.True(h.ReachedInside(error, H1));
        Assert.Equal(R2, IpPackets.Src(error!));
        Assert.True(ChecksumsOk(error!)); // outer IP and ICMP checksums
        var quote = Quote(error!);
        Assert.Equal(H1, Ipv4Address.Read(quote.AsSpan(12)).ToString());
        Assert.Equal(R1, Ipv4Address.Read(quote.AsSpan(16)).ToString());
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(quote.AsSpan(20)));
        Assert.True(QuotedIpChecksumOk(quote));
        // The whole datagram was quoted: it is the one H1 sent (TTL one less), UDP checksum included.
        var original = sent.AsSpan(14).ToArray();
        Assert.Equal(original[20..], quote[20..]);
        Assert.Equal(1, h.Counters[NatEvent.IcmpErrorsTranslated]);
    }

    [Fact]
    public void Fragmentation_needed_quoting_eight_bytes_of_tcp_keeps_the_mtu_and_fixes_the_port()
    {
        var h = new NatHarness();
        h.FromInside(H2, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 5000, 80, flags: 0x02));
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(1000, 5000, 80))!; // port 5000 taken: translated
        ushort external = SrcPort(outside);
        Assert.NotEqual(5000, external);
        var error = h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp,
            ErrorAbout(outside, IcmpHeader.TypeDestinationUnreachable, IcmpHeader.CodeFragmentationNeeded, 28, rest: 1400));
        Assert.True(h.ReachedInside(error, H1));
        Assert.True(ChecksumsOk(error!));
        Assert.Equal(1400u, BinaryPrimitives.ReadUInt32BigEndian(IpPackets.L4(error!)[4..]));
        var quote = Quote(error!);
        Assert.Equal(5000, BinaryPrimitives.ReadUInt16BigEndian(quote.AsSpan(20)));
        Assert.True(QuotedIpChecksumOk(quote));
    }

    [Fact]
    public void Time_exceeded_about_an_echo_request_gets_the_pingers_identifier_back()
    {
        var h = new NatHarness();
        h.FromInside(H2, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 7));
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 7))!;
        Assert.NotEqual(7, IcmpId(outside));
        var error = h.FromOutside(R2, External, Ipv4Header.ProtocolIcmp, ErrorAbout(outside, IcmpHeader.TypeTimeExceeded, 0, 576));
        Assert.True(h.ReachedInside(error, H1));
        Assert.True(ChecksumsOk(error!));
        var quote = Quote(error!);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16BigEndian(quote.AsSpan(24)));
        Assert.True(QuotedIpChecksumOk(quote));
        Assert.True(IpPackets.ChecksumOk(quote.AsSpan(20))); // the quoted echo request, whole
    }

    [Fact]
    public void An_error_about_a_flow_the_nat_does_not_know_is_dropped()
    {
        var h = new NatHarness();
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53))!;
        // The quote names R2 as the destination: H1 never sent there.
        var forged = (byte[])outside.Clone();
        Ipv4Address.Parse(R2).Write(forged.AsSpan(14 + 16));
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, ErrorAbout(forged, IcmpHeader.TypeDestinationUnreachable, 3, 576)));
        Assert.Equal(1, h.Drops[NatDrop.IcmpErrorNoSession]);
    }

    [Fact]
    public void An_error_with_a_truncated_quote_is_dropped_as_malformed()
    {
        var h = new NatHarness();
        var outside = h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53))!;
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, ErrorAbout(outside, IcmpHeader.TypeDestinationUnreachable, 3, 24)));
        Assert.Equal(1, h.Drops[NatDrop.Malformed]);
    }

    [Fact]
    public void An_inside_hosts_port_unreachable_about_a_forwarded_datagram_leaves_translated()
    {
        var h = new NatHarness(new NatOptions
        {
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5353, To = Ipv4Address.Parse(H1), ToPort = 53 }],
        });
        var inside = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(7777, 5353))!;
        Assert.True(h.ReachedInside(inside, H1));
        var error = h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, ErrorAbout(inside, IcmpHeader.TypeDestinationUnreachable, 3, 576));
        Assert.NotNull(error);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(External, IpPackets.Src(error));
        Assert.True(ChecksumsOk(error));
        var quote = Quote(error);
        Assert.Equal(External, Ipv4Address.Read(quote.AsSpan(16)).ToString());
        Assert.Equal(5353, BinaryPrimitives.ReadUInt16BigEndian(quote.AsSpan(22)));
        Assert.True(QuotedIpChecksumOk(quote));
        // The quoted UDP datagram is the one R1 sent, checksum included.
        var quotedUdp = quote.AsSpan(20).ToArray();
        var pseudo = new byte[12 + quotedUdp.Length];
        quote.AsSpan(12, 8).CopyTo(pseudo);
        pseudo[9] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)quotedUdp.Length);
        quotedUdp.CopyTo(pseudo.AsSpan(12));
        Assert.True(IpPackets.ChecksumOk(pseudo));
    }

    [Fact]
    public void The_routers_own_time_exceeded_about_a_forwarded_packet_quotes_what_the_sender_sent()
    {
        var h = new NatHarness(new NatOptions
        {
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 }],
        });
        // TTL 1: translated on input (to H1:80), then the router cannot forward it.
        var sent = IpPackets.WithL4Checksum(IpPackets.Ip(h.WanMac, R1Mac, R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 50000, 8080, flags: 0x02), ttl: 1));
        var error = h.Send(Wan, sent);
        Assert.NotNull(error);
        Assert.Equal(Wan, h.LastPort);
        Assert.Equal(External, IpPackets.Src(error));
        Assert.Equal(R1, IpPackets.Dst(error));
        Assert.Equal(IcmpHeader.TypeTimeExceeded, IpPackets.L4(error)[0]);
        Assert.True(ChecksumsOk(error));
        var quote = Quote(error);
        // The sender sees its own datagram: to the external address and port, not the inside server.
        Assert.Equal(External, Ipv4Address.Read(quote.AsSpan(16)).ToString());
        Assert.Equal(8080, BinaryPrimitives.ReadUInt16BigEndian(quote.AsSpan(22)));
        Assert.True(QuotedIpChecksumOk(quote));
        Assert.Equal(sent.AsSpan(14 + 20).ToArray(), quote[20..]); // TCP header and checksum as sent
    }

    [Fact]
    public void The_routers_own_errors_about_untranslated_packets_pass_unchanged()
    {
        var h = new NatHarness();
        var unreachable = h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 9));
        Assert.NotNull(unreachable);
        Assert.Equal(IcmpHeader.CodePortUnreachable, IpPackets.L4(unreachable)[1]);
        Assert.Equal(External, Ipv4Address.Read(Quote(unreachable).AsSpan(16)).ToString());
        Assert.Equal(0, h.Drops[NatDrop.IcmpErrorNoSession]);
    }
}

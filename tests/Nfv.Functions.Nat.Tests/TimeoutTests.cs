using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>Every idle timeout on a fake clock: RFC 5382 TCP (established, transitory, FIN, RST), RFC 4787 UDP, RFC 5508 ICMP.</summary>
public class TimeoutTests
{
    private const byte Syn = 0x02;
    private const byte SynAck = 0x12;
    private const byte Ack = 0x10;
    private const byte FinAck = 0x11;
    private const byte Rst = 0x04;

    private static bool ReplyGetsIn(NatHarness h, byte flags = Ack)
    {
        return h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 41000, flags)), H1);
    }

    private static NatHarness Established()
    {
        var h = new NatHarness();
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, Syn)));
        Assert.True(ReplyGetsIn(h, SynAck));
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, Ack)));
        return h;
    }

    [Fact]
    public void An_established_tcp_session_lives_two_hours_and_four_minutes_idle()
    {
        var h = Established();
        h.Advance(TimeSpan.FromMinutes(124) - TimeSpan.FromSeconds(1));
        Assert.True(ReplyGetsIn(h));
        h.Advance(TimeSpan.FromMinutes(124) + TimeSpan.FromSeconds(1));
        Assert.False(ReplyGetsIn(h));
        Assert.Equal(0, h.Nat.SessionCount);
    }

    [Fact]
    public void Traffic_either_way_keeps_a_tcp_session_alive()
    {
        var h = Established();
        for (int i = 0; i < 4; i++)
        {
            h.Advance(TimeSpan.FromHours(2));
            Assert.True(ReplyGetsIn(h)); // inbound only
        }
    }

    [Fact]
    public void A_half_open_tcp_session_is_transitory_four_minutes()
    {
        var h = new NatHarness();
        h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, Syn));
        h.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        Assert.False(ReplyGetsIn(h, SynAck));
    }

    [Fact]
    public void A_configured_transitory_timeout_is_used()
    {
        var h = new NatHarness(new NatOptions { TcpTransitory = TimeSpan.FromMinutes(10) });
        h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, Syn));
        h.Advance(TimeSpan.FromMinutes(9));
        Assert.True(ReplyGetsIn(h, SynAck));
    }

    [Fact]
    public void Fin_both_ways_makes_the_session_transitory()
    {
        var h = Established();
        h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, FinAck));
        h.Advance(TimeSpan.FromMinutes(30));
        Assert.True(ReplyGetsIn(h, FinAck)); // one FIN: still established (a half-closed connection may stay quiet)
        h.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        Assert.False(ReplyGetsIn(h));
    }

    [Fact]
    public void A_reset_is_kept_four_minutes_then_forgotten_rfc7857()
    {
        var h = Established();
        h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 80, Rst));
        h.Advance(TimeSpan.FromMinutes(3));
        Assert.True(ReplyGetsIn(h, Rst));
        h.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        Assert.False(ReplyGetsIn(h));
    }

    [Fact]
    public void Udp_lives_five_minutes_by_default_refreshed_only_by_outbound_traffic()
    {
        var h = new NatHarness();
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 53));
        for (int i = 0; i < 2; i++)
        {
            h.Advance(TimeSpan.FromMinutes(2));
            Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 6000)), H1)); // inbound: no refresh
        }
        h.Advance(TimeSpan.FromSeconds(61)); // 5 min 1 s after the only outbound datagram
        Assert.False(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 6000)), H1));

        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 53));
        for (int i = 0; i < 5; i++)
        {
            h.Advance(TimeSpan.FromMinutes(4));
            h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 53)); // outbound refreshes
        }
        h.Advance(TimeSpan.FromMinutes(4));
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 6000)), H1));
    }

    [Fact]
    public void A_configured_udp_timeout_of_two_minutes_is_honoured()
    {
        var h = new NatHarness(new NatOptions { Udp = TimeSpan.FromMinutes(2) });
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(6000, 53));
        h.Advance(TimeSpan.FromSeconds(119));
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 6000)), H1));
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.False(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 6000)), H1));
    }

    [Fact]
    public void An_echo_session_lives_sixty_seconds()
    {
        var h = new NatHarness();
        var request = h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 300))!;
        h.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, TranslationTests.EchoReply(IcmpId(request))));
        Assert.Equal(Lan, h.LastPort);
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(h.FromOutside(R1, External, Ipv4Header.ProtocolIcmp, TranslationTests.EchoReply(IcmpId(request))));
    }

    [Fact]
    public void The_sweep_frees_expired_sessions_and_their_ports()
    {
        var h = new NatHarness();
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53));
        var second = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53))!;
        Assert.NotEqual(5000, SrcPort(second));
        Assert.Equal(2, h.Nat.SessionCount);
        h.Advance(TimeSpan.FromMinutes(6));
        h.SweepAll();
        Assert.Equal(0, h.Nat.SessionCount);
        Assert.Equal(0, h.Nat.Table.MappingCount);
        Assert.Equal(2, h.Counters[NatEvent.SessionsExpired]);
        // Port 5000 is free again: H2 now keeps it.
        var again = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 53))!;
        Assert.Equal(5000, SrcPort(again));
    }
}

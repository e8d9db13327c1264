using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>Bounds: total sessions, sessions per inside host, the port range. New flows are dropped and counted; existing ones go on.</summary>
public class LimitTests
{
    [Fact]
    public void At_the_session_bound_new_flows_are_dropped_and_existing_ones_keep_working()
    {
        var h = new NatHarness(new NatOptions { MaxSessions = 2, MaxSessionsPerHost = 2 });
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(41000, 53)));
        Assert.NotNull(h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(41000, 53)));
        Assert.Null(h.FromInside(H1, R2, Ipv4Header.ProtocolUdp, IpPackets.Udp(41000, 53)));
        Assert.Equal(1, h.Drops[NatDrop.SessionLimit]);
        Assert.Equal(2, h.Nat.SessionCount);

        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(41000, 53)));
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, 41000)), H1));
    }

    [Fact]
    public void An_inside_host_at_its_bound_is_refused_while_others_go_on()
    {
        var h = new NatHarness(new NatOptions { MaxSessions = 16, MaxSessionsPerHost = 1 });
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1000, 53)));
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1001, 53)));
        Assert.Equal(1, h.Drops[NatDrop.HostLimit]);
        Assert.NotNull(h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1001, 53)));
        // After the first session expires H1 may start another.
        h.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1001, 53)));
    }

    [Fact]
    public void Inbound_sessions_through_a_forward_are_bounded_too()
    {
        var h = new NatHarness(new NatOptions
        {
            MaxSessions = 1,
            MaxSessionsPerHost = 1,
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5000, To = Ipv4Address.Parse(H1), ToPort = 5000 }],
        });
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(1, 5000)), H1));
        Assert.Null(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(1, 5000)));
        Assert.Equal(1, h.Drops[NatDrop.SessionLimit]);
    }

    [Fact]
    public void When_the_port_range_is_used_up_new_mappings_are_refused()
    {
        var h = new NatHarness(new NatOptions { PortMin = 30000, PortMax = 30001 });
        Assert.Equal(30000, SrcPort(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1, 53))!));
        Assert.Equal(30001, SrcPort(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(2, 53))!));
        Assert.Null(h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(3, 53)));
        Assert.Equal(1, h.Drops[NatDrop.PortsExhausted]);
        // Another protocol has its own ports.
        Assert.NotNull(h.FromInside(H2, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 3, 80, flags: 0x02)));
        Assert.Equal(3, h.Nat.SessionCount);
    }

    [Fact]
    public void A_source_making_new_flows_too_fast_is_refused_while_its_flows_and_other_hosts_go_on()
    {
        var h = new NatHarness(new NatOptions { NewSessionsPerSecond = 0, NewSessionsPerSecondPerSource = 10 });
        for (int port = 1000; port < 1020; port++) // a burst of twice the rate passes
        {
            Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp((ushort)port, 53)));
        }

        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1020, 53)));
        Assert.Equal(1, h.Drops[NatDrop.SourceRateLimit]);
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1000, 53))); // an existing flow
        Assert.NotNull(h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1020, 53))); // another source
        h.Advance(TimeSpan.FromMilliseconds(500)); // 5 more tokens
        for (int port = 1020; port < 1025; port++)
        {
            Assert.True(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp((ushort)port, 53)) is not null,
                $"port {port}: {string.Join(", ", Enum.GetValues<NatDrop>().Select(d => $"{d} {h.Drops[d]}"))}");
        }
        Assert.Null(h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(1025, 53)));
    }

    [Fact]
    public void New_flows_from_many_remotes_through_a_forward_are_held_to_the_total_rate()
    {
        var h = new NatHarness(new NatOptions
        {
            NewSessionsPerSecond = 5,
            NewSessionsPerSecondPerSource = 0,
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 }],
        });
        int admitted = 0;
        for (int i = 1; i <= 50; i++) // a SYN flood from 50 sources (R2's subnet, 198.51.100.0/24)
        {
            var syn = h.FromOutside($"198.51.100.{i}", External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, (ushort)(40000 + i), 8080, flags: 0x02));
            admitted += h.ReachedInside(syn, H1) ? 1 : 0;
        }

        Assert.Equal(10, admitted); // the burst: twice the rate
        Assert.Equal(40, h.Drops[NatDrop.RateLimit]);
        Assert.Equal(10, h.Nat.SessionCount);
        // A session that exists goes on.
        Assert.True(h.ReachedInside(h.FromOutside("198.51.100.1", External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(1, 40001, 8080, flags: 0x10)), H1));
    }

    [Fact]
    public void A_remote_flooding_a_forward_is_refused_by_its_own_limit_before_it_takes_the_total()
    {
        var h = new NatHarness(new NatOptions
        {
            NewSessionsPerSecond = 100,
            NewSessionsPerSecondPerSource = 2,
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolUdp, Port = 5000, To = Ipv4Address.Parse(H1), ToPort = 5000 }],
        });
        for (int port = 1; port <= 10; port++)
        {
            h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp((ushort)port, 5000));
        }

        Assert.Equal(6, h.Drops[NatDrop.SourceRateLimit]);
        Assert.True(h.ReachedInside(h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(1, 5000)), H1));
    }
}

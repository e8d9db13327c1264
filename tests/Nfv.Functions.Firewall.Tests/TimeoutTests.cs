using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>Idle connections expire exactly, by protocol and TCP state, and the timer reclaims their slots.</summary>
public class TimeoutTests
{
    private const string AllowOut = """
        fw:
          kind: firewall
          udp-timeout: 30s
          tcp-transitory: 1m
          tcp-established: 10m
          rules:
            - { action: allow, from: inside }
        """;

    [Fact]
    public void An_idle_udp_flow_expires_after_its_timeout_and_traffic_refreshes_it()
    {
        var fw = new FirewallHarness(AllowOut);
        fw.Send(Inside, Udp(Inside));
        fw.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(Inside, fw.Send(Outside, Udp(Outside))); // refreshes: 30 s from now
        fw.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(Inside, fw.Send(Outside, Udp(Outside)));
        fw.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(fw.Send(Outside, Udp(Outside)));
        Assert.Equal(1, fw.Function.Counters[FirewallEvent.Expired]);
    }

    [Fact]
    public void An_established_tcp_connection_outlives_the_transitory_timeout_and_a_reset_one_does_not()
    {
        var fw = new FirewallHarness(AllowOut);
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Send(Outside, Tcp(Outside, SynAck));
        fw.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, Ack)));
        Assert.Equal(Outside, fw.Send(Inside, Tcp(Inside, Rst)));
        fw.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Null(fw.Send(Outside, Tcp(Outside, Ack)));
    }

    [Fact]
    public void A_half_closed_connection_stays_established_until_the_fin_has_gone_both_ways()
    {
        var fw = new FirewallHarness(AllowOut);
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Send(Outside, Tcp(Outside, SynAck));
        fw.Send(Inside, Tcp(Inside, Fin)); // the inside host is done sending; the outside one may go on
        fw.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, Ack)));
        Assert.Equal(Inside, fw.Send(Outside, Tcp(Outside, Fin)));
        fw.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Null(fw.Send(Outside, Tcp(Outside, Ack))); // closed both ways: the transitory timeout
    }

    [Fact]
    public void A_syn_never_answered_is_forgotten_after_the_transitory_timeout()
    {
        var fw = new FirewallHarness(AllowOut);
        fw.Send(Inside, Tcp(Inside, Syn));
        fw.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Null(fw.Send(Outside, Tcp(Outside, SynAck)));
    }

    [Fact]
    public void The_timer_reclaims_expired_connections_so_new_ones_fit()
    {
        var fw = new FirewallHarness(AllowOut.Replace("udp-timeout: 30s", "udp-timeout: 30s\n  max-connections: 100", StringComparison.Ordinal));
        for (ushort port = 1; port <= 100; port++)
        {
            Assert.Equal(Outside, fw.Send(Inside, Udp(Inside, insidePort: port)));
        }
        Assert.Equal(100, fw.Function.ConnectionCount);
        fw.Time.Advance(TimeSpan.FromSeconds(31));
        fw.Function.OnTimer(fw.Emit);
        Assert.Equal(0, fw.Function.ConnectionCount);
        Assert.Equal(100, fw.Function.Counters[FirewallEvent.Expired]);
        Assert.Equal(Outside, fw.Send(Inside, Udp(Inside, insidePort: 500)));
    }
}

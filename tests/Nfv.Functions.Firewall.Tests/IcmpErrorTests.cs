using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>ICMP errors about a tracked connection pass as related; about anything else they meet the rules.</summary>
public class IcmpErrorTests
{
    private const string UdpOut = """
        fw:
          kind: firewall
          rules:
            - { action: allow, from: inside, protocol: udp }
            - { action: allow, from: inside, protocol: icmp, icmp-type: echo-request }
        """;

    [Theory]
    [InlineData(3, 3)]   // port unreachable
    [InlineData(3, 4)]   // fragmentation needed
    [InlineData(11, 0)]  // time exceeded
    [InlineData(12, 0)]  // parameter problem
    public void An_error_quoting_a_tracked_flow_passes_as_related(byte type, byte code)
    {
        var fw = new FirewallHarness(UdpOut);
        var probe = Udp(Inside, insidePort: 33434, outsidePort: 33434);
        Assert.Equal(Outside, fw.Send(Inside, probe));
        Assert.Equal(Inside, fw.Send(Outside, ErrorQuoting(probe, type, code)));
        Assert.Equal(1, fw.Function.Counters[FirewallEvent.Related]);
    }

    [Fact]
    public void An_error_about_an_echo_request_passes_as_related()
    {
        var fw = new FirewallHarness(UdpOut);
        var ping = Echo(Inside);
        Assert.Equal(Outside, fw.Send(Inside, ping));
        Assert.Equal(Inside, fw.Send(Outside, ErrorQuoting(ping, 11, 0)));
    }

    [Fact]
    public void An_error_quoting_a_flow_never_seen_is_denied()
    {
        var fw = new FirewallHarness(UdpOut);
        Assert.Null(fw.Send(Outside, ErrorQuoting(Udp(Inside, insidePort: 1234))));
        Assert.Equal(FirewallDrop.DefaultDeny, fw.LastDrop);
        Assert.Equal(0, fw.Function.Counters[FirewallEvent.Related]);
    }

    [Fact]
    public void A_truncated_quote_is_not_related_to_anything()
    {
        var fw = new FirewallHarness(UdpOut);
        var probe = Udp(Inside);
        fw.Send(Inside, probe);
        var error = ErrorQuoting(probe);
        Assert.Null(fw.Send(Outside, error[..^6])); // the quoted UDP header cut short
    }
}

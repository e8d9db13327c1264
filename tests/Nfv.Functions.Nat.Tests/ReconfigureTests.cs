using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>New settings for a running NAT (nfv apply): forwards come and go, and every session stays.</summary>
public class ReconfigureTests
{
    private const string WebForward = "masq: { kind: nat, forwards: [ { protocol: tcp, port: 8080, to: \"10.0.0.10:80\" } ] }";

    private static NatHarness Running() => new(new NatOptions
    {
        Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 }],
    });

    private static (bool Taken, DiagnosticBag Diagnostics) Reconfigure(NatHarness h, string yaml)
    {
        var diagnostics = new DiagnosticBag();
        return (h.Nat.Reconfigure(FunctionConfig.ParseFunction(yaml), diagnostics), diagnostics);
    }

    private static bool Reaches(NatHarness h, ushort port) =>
        h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 40000, port, flags: 0x02)), H1);

    [Fact]
    public void A_new_forward_works_at_once_and_the_sessions_of_the_flows_already_running_stay()
    {
        var h = Running();
        var out1 = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5353, 53))!;
        ushort mapped = (ushort)SrcPort(out1);
        Assert.False(Reaches(h, 2222));

        var (taken, diagnostics) = Reconfigure(h, WebForward.Replace(" ] }", ", { protocol: tcp, port: 2222, to: \"10.0.0.10:22\" } ] }"));

        Assert.True(taken, string.Join("\n", diagnostics.Items));
        Assert.True(Reaches(h, 2222));
        Assert.True(Reaches(h, 8080));
        // The UDP flow's reply still finds its session, on the same external port.
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, mapped)), H2));
        Assert.Equal(2, h.Nat.Options.Forwards.Count);
    }

    [Fact]
    public void A_forward_taken_away_takes_no_new_connection_but_one_already_through_it_goes_on()
    {
        var h = Running();
        Assert.True(Reaches(h, 8080)); // R1:40000 -> 8080, now a session
        Assert.NotNull(h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 40000, flags: 0x12)));

        var (taken, diagnostics) = Reconfigure(h, "masq: { kind: nat }");

        Assert.True(taken, string.Join("\n", diagnostics.Items));
        var fromR2 = h.FromOutside(R2, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 8080, flags: 0x02));
        Assert.False(h.ReachedInside(fromR2, H1));
        var more = h.FromOutside(R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 40000, 8080, flags: 0x10));
        Assert.True(h.ReachedInside(more, H1));
    }

    [Fact]
    public void A_forward_on_a_port_a_flow_holds_is_refused_and_nothing_changes()
    {
        var h = Running();
        var out1 = h.FromInside(H2, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 3000, 443, flags: 0x02))!;
        Assert.Equal(3000, SrcPort(out1)); // port preservation: the flow holds external port 3000

        var (taken, diagnostics) = Reconfigure(h, "masq: { kind: nat, forwards: [ { protocol: tcp, port: 3000, to: \"10.0.0.10:22\" } ] }");

        Assert.False(taken);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(NatDiagnosticCodes.BadForward, error.Code);
        Assert.Contains("tcp 192.0.2.1:3000", error.Message);
        Assert.True(Reaches(h, 8080)); // the forward it had is still there
        Assert.Single(h.Nat.Options.Forwards);
    }

    [Fact]
    public void Timeouts_change_in_place_but_the_table_shape_does_not()
    {
        var h = Running();

        Assert.True(h.Nat.CanReconfigure(FunctionConfig.ParseFunction("masq: { kind: nat, udp-timeout: 10m, filtering: endpoint-independent }")));
        Assert.False(h.Nat.CanReconfigure(FunctionConfig.ParseFunction("masq: { kind: nat, ports: 2000-3000 }")));
        Assert.False(h.Nat.CanReconfigure(FunctionConfig.ParseFunction("masq: { kind: nat, max-sessions: 100 }")));

        var (taken, diagnostics) = Reconfigure(h, "masq: { kind: nat, ports: 2000-3000 }");
        Assert.False(taken);
        Assert.Contains("cannot change its external addresses, ports", Assert.Single(diagnostics.Items).Message);
    }

    [Fact]
    public void New_udp_timeout_is_what_a_new_session_gets()
    {
        var h = Running();
        Assert.True(Reconfigure(h, "masq: { kind: nat, udp-timeout: 10m, forwards: [ { protocol: tcp, port: 8080, to: \"10.0.0.10:80\" } ] }").Taken);
        Assert.Equal(TimeSpan.FromMinutes(10), h.Nat.Options.Udp);

        var out1 = h.FromInside(H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(5353, 53))!;
        h.Advance(TimeSpan.FromMinutes(7)); // past the old 5 minutes, within the new 10
        Assert.True(h.ReachedInside(h.FromOutside(R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, (ushort)SrcPort(out1))), H2));
    }
}

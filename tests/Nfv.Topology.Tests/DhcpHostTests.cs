using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Tests;

/// <summary>Lab hosts that take their address from DHCP: <c>address: dhcp</c> and <c>dhcp-client</c>.</summary>
public class DhcpHostTests
{
    private static TopologyLoadResult Host(string hostYaml) => Fixture.Text($$"""
        functions:
          lan: { kind: switch }
        ports:
          p1: { tap: nfv-p1 }
          p2: { tap: nfv-p2 }
        links: [ [p1, lan], [p2, lan] ]
        hosts:
          h1: {{hostYaml}}
          h2: { port: p2, address: 10.0.0.2/24, gateway: 10.0.0.1 }
        """);

    [Fact]
    public void A_dhcp_host_has_no_static_address_or_gateway_and_picks_its_client_by_default()
    {
        var result = Host("{ port: p1, address: dhcp }");

        Fixture.AssertDiagnostics(result);
        var hosts = result.Topology!.Hosts;
        Assert.Equal(new ResolvedHost("h1", 0, null, null, new SourceSpan("lab.yaml", 8, 3), DhcpClientKind.Auto), hosts[0]);
        Assert.Equal(new ResolvedHost("h2", 1, Ipv4Prefix.Parse("10.0.0.2/24"), Ipv4Address.Parse("10.0.0.1"), new SourceSpan("lab.yaml", 9, 3)), hosts[1]);
        Assert.Null(hosts[1].Dhcp);
    }

    [Theory]
    [InlineData("dhclient", DhcpClientKind.Dhclient)]
    [InlineData("udhcpc", DhcpClientKind.Udhcpc)]
    [InlineData("dhcpcd", DhcpClientKind.Dhcpcd)]
    [InlineData("UDHCPC", DhcpClientKind.Udhcpc)]
    [InlineData("builtin", DhcpClientKind.Builtin)]
    [InlineData("auto", DhcpClientKind.Auto)]
    public void Dhcp_client_names_the_client_without_case(string name, DhcpClientKind expected)
    {
        var result = Host($"{{ port: p1, address: DHCP, dhcp-client: {name} }}");

        Fixture.AssertDiagnostics(result);
        Assert.Equal(expected, result.Topology!.Hosts[0].Dhcp);
        Assert.Null(result.Topology.Hosts[0].Address);
    }

    [Fact]
    public void Two_dhcp_hosts_do_not_clash_over_an_address()
    {
        var result = Fixture.Text("""
            ports:
              p1: { tap: nfv-p1 }
              p2: { tap: nfv-p2 }
            links: [ [p1, p2] ]
            hosts:
              a: { port: p1, address: dhcp }
              b: { port: p2, address: dhcp, dhcp-client: dhcpcd }
            """);

        Fixture.AssertDiagnostics(result);
        Assert.Equal([DhcpClientKind.Auto, DhcpClientKind.Dhcpcd], result.Topology!.Hosts.Select(h => h.Dhcp));
    }

    [Fact]
    public void An_empty_dhcp_client_is_an_unknown_client()
    {
        var result = Host("{ port: p1, address: dhcp, dhcp-client: '' }");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(8,47): error NFV0108: host 'h1' has unknown dhcp-client ''; known clients: auto, dhclient, udhcpc, dhcpcd, builtin");
    }

    [Fact]
    public void A_dhcp_client_without_any_address_reports_only_the_missing_address()
    {
        var result = Host("{ port: p1, dhcp-client: udhcpc }");

        Fixture.AssertDiagnostics(result,
            "lab.yaml(8,3): error NFV0101: host 'h1' needs 'address', such as 10.0.0.1/24, dhcp, 2001:db8::1/64 or slaac");
    }

    [Fact]
    public void Client_names_round_trip()
    {
        foreach (var kind in Enum.GetValues<DhcpClientKind>())
        {
            Assert.True(DhcpClients.TryParse(DhcpClients.Name(kind), out var parsed));
            Assert.Equal(kind, parsed);
        }
        Assert.Equal(Enum.GetValues<DhcpClientKind>().Select(DhcpClients.Name), DhcpClients.Names);
        Assert.False(DhcpClients.TryParse("dhcp", out _));
    }

    [Fact]
    public void A_host_may_fix_its_mac_for_a_reservation()
    {
        var result = Host("{ port: p1, address: dhcp, mac: 02:00:00:00:00:33 }");

        Fixture.AssertDiagnostics(result);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:33"), result.Topology!.Hosts[0].Mac);
        Assert.Null(result.Topology.Hosts[1].Mac);
    }

    [Theory]
    [InlineData("01:00:5e:00:00:01", "must be a unicast address")]
    [InlineData("02:00:00:00:00", "must be a MAC address")]
    public void A_host_mac_must_be_a_unicast_mac(string mac, string message)
    {
        var result = Host($"{{ port: p1, address: dhcp, mac: \"{mac}\" }}");

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.BadMac, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Span.Line);
    }
}

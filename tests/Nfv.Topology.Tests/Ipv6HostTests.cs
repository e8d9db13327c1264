using Nfv.Ip.Headers;

namespace Nfv.Topology.Tests;

/// <summary>Lab hosts with IPv6: static addresses, <c>slaac</c>, dual stack, one gateway per family.</summary>
public class Ipv6HostTests
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
          h2: { port: p2, address: [10.0.0.2/24, 2001:db8::2/64] }
        """);

    [Fact]
    public void A_dual_stack_host_has_both_addresses_and_a_gateway_of_each_family()
    {
        var result = Host("{ port: p1, address: [10.0.0.1/24, 2001:db8::1/64, 2001:db8:1::1/64], gateway: [10.0.0.254, 2001:db8::fe] }");

        Fixture.AssertDiagnostics(result);
        var h1 = result.Topology!.Hosts[0];
        Assert.Equal(Ipv4Prefix.Parse("10.0.0.1/24"), h1.Address);
        Assert.Equal([Ipv6Prefix.Parse("2001:db8::1/64"), Ipv6Prefix.Parse("2001:db8:1::1/64")], h1.Ipv6Addresses);
        Assert.Equal(Ipv4Address.Parse("10.0.0.254"), h1.Gateway);
        Assert.Equal(Ipv6Address.Parse("2001:db8::fe"), h1.Ipv6Gateway);
        Assert.False(h1.Slaac);
        Assert.Equal("10.0.0.1/24, 2001:db8::1/64, 2001:db8:1::1/64", h1.Addressing);
        Assert.Equal("10.0.0.254, 2001:db8::fe", h1.Gateways);
    }

    [Theory]
    [InlineData("slaac", true, false, "slaac")]
    [InlineData("[dhcp, slaac]", true, true, "dhcp, slaac")]
    [InlineData("[slaac, 10.0.0.1/24]", true, false, "10.0.0.1/24, slaac")]
    [InlineData("2001:db8::1/64", false, false, "2001:db8::1/64")]
    public void Slaac_and_ipv6_only_hosts_are_read(string address, bool slaac, bool dhcp, string addressing)
    {
        var result = Host($"{{ port: p1, address: {address} }}");

        Fixture.AssertDiagnostics(result);
        var h1 = result.Topology!.Hosts[0];
        Assert.Equal(slaac, h1.Slaac);
        Assert.Equal(dhcp, h1.Dhcp is not null);
        Assert.Equal(addressing, h1.Addressing);
    }

    [Fact]
    public void A_link_local_gateway_is_allowed_beside_static_addresses()
    {
        var result = Host("{ port: p1, address: 2001:db8::1/64, gateway: fe80::1 }");

        Fixture.AssertDiagnostics(result);
        Assert.Equal(Ipv6Address.Parse("fe80::1"), result.Topology!.Hosts[0].Ipv6Gateway);
    }

    [Theory]
    [InlineData("{ port: p1, address: [10.0.0.1/24, dhcp] }", "already has its IPv4 address from '10.0.0.1/24'")]
    [InlineData("{ port: p1, address: [] }", "lists no address")]
    [InlineData("{ port: p1, address: fe80::1/64 }", "unspecified, loopback, multicast or link-local")]
    [InlineData("{ port: p1, address: ff02::1/64 }", "unspecified, loopback, multicast or link-local")]
    [InlineData("{ port: p1, address: 2001:db8::2/64 }", "address 2001:db8::2 is already used by host 'h1'")]
    [InlineData("{ port: p1, address: 2001:db8::1 }", "must be an IPv6 address with a prefix length")]
    [InlineData("{ port: p1, address: slaac, gateway: 2001:db8::fe }", "takes its IPv6 default route from router advertisements")]
    [InlineData("{ port: p1, address: 10.0.0.1/24, gateway: 2001:db8::fe }", "has no IPv6 address for gateway 2001:db8::fe")]
    [InlineData("{ port: p1, address: 2001:db8::1/64, gateway: 10.0.0.254 }", "has no IPv4 address for gateway 10.0.0.254")]
    [InlineData("{ port: p1, address: 2001:db8::1/64, gateway: 2001:db9::fe }", "gateway 2001:db9::fe is outside the subnets")]
    [InlineData("{ port: p1, address: 2001:db8::1/64, gateway: [fe80::1, fe80::2] }", "names a second IPv6 gateway")]
    public void Bad_ipv6_hosts_are_refused_saying_why(string hostYaml, string message)
    {
        var result = Host(hostYaml);

        Assert.Null(result.Topology);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(message, StringComparison.Ordinal));
    }
}

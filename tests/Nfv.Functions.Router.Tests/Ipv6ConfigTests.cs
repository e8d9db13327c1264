using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

public class Ipv6ConfigTests
{
    private static (RouterBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var config = FunctionConfig.ParseFunction(yaml, "lab.yaml");
        var blueprint = new RouterFunctionFactory().Define(new FunctionDefinitionContext("gw", config, diagnostics));
        return ((RouterBlueprint?)blueprint, diagnostics);
    }

    [Fact]
    public void Dual_stack_addresses_advertisements_and_ipv6_routes_are_read()
    {
        var (blueprint, diagnostics) = Define("""
            gw:
              kind: router
              interfaces:
                lan: { address: [192.168.10.1/24, 2001:db8:10::1/64], ra: { rdnss: [2001:db8::53], lifetime: 600s, interval: 60s, other: true } }
                wan: { address: [203.0.113.2/24, 2001:db8:ff::2/64], mac: 02:aa:00:00:00:01 }
                core: { address: fe80::1/64 }
              nd-reachable: 10s
              nd-cache-size: 64
              routes:
                - { prefix: default, via: 203.0.113.1 }
                - { prefix: default, via: 2001:db8:ff::1 }
                - { prefix: 2001:db8:20::/48, via: fe80::2, dev: core }
                - { prefix: 2001:db8:30::/48, dev: wan }
            """);
        Assert.Empty(diagnostics.Items);
        var options = blueprint!.Options;
        var lan = options.Interfaces[0];
        Assert.Equal([Ipv4Prefix.Parse("192.168.10.1/24")], lan.Addresses);
        Assert.Equal([Ipv6Prefix.Parse("2001:db8:10::1/64")], lan.Ipv6Addresses);
        Assert.Equal(Ipv6Address.LinkLocal(lan.Mac), lan.LinkLocal);
        Assert.NotNull(lan.Advertisements);
        Assert.Equal(TimeSpan.FromSeconds(600), lan.Advertisements.Lifetime);
        Assert.Equal(TimeSpan.FromSeconds(60), lan.Advertisements.Interval);
        Assert.True(lan.Advertisements.Other);
        Assert.False(lan.Advertisements.Managed);
        Assert.Equal([Ipv6Address.Parse("2001:db8::53")], lan.Advertisements.Rdnss);
        Assert.Equal("fe80::1", options.Interfaces[2].LinkLocal.ToString());
        Assert.Equal(TimeSpan.FromSeconds(10), options.NeighbourReachable);
        Assert.Equal(64, options.NeighbourCacheSize);
        Assert.Single(options.Routes);
        Assert.Equal(["::/0 via 2001:db8:ff::1", "2001:db8:20::/48 via fe80::2 dev core", "2001:db8:30::/48 dev wan"],
            options.Ipv6Routes.Select(r => r.ToString()));
        Assert.Equal(["lan", "wan", "core"], blueprint.Ports);
    }

    [Theory]
    [InlineData("lan: { address: ff02::1/64 }", "NFV1207")]
    [InlineData("lan: { address: 2001:db8::/64 }", "NFV1207")]
    [InlineData("lan: { address: '::1/128' }", "NFV1207")]
    [InlineData("lan: { address: 2001:db8::1 }", "NFV0203")]
    [InlineData("lan: { address: 2001:db8::1/129 }", "NFV0203")]
    [InlineData("lan: { address: [2001:db8::1/64, 2001:db8::1/64] }", "NFV1206")]
    [InlineData("lan: { address: 2001:db8::1/64, mtu: 1000 }", "NFV1210")]
    [InlineData("lan: { address: 10.0.0.1/24, ra: true }", "NFV1211")]
    [InlineData("lan: { address: 2001:db8::1/64, ra: { interval: 600s, lifetime: 300s } }", "NFV1211")]
    [InlineData("lan: { address: 2001:db8::1/64, ra: { interval: 1s } }", "NFV0205")]
    [InlineData("lan: { address: 2001:db8::1/64, ra: { bogus: 1 } }", "NFV0102")]
    [InlineData("lan: { address: [2001:db8::1/64] }\n    wan: { address: [2001:db8::2/48] }", "NFV1209")]
    public void Bad_ipv6_interfaces_are_refused_with_their_code(string interfaces, string code)
    {
        var (_, diagnostics) = Define($"""
            gw:
              kind: router
              interfaces:
                {interfaces}
            """);
        Assert.Contains(diagnostics.Items, d => d.Code == code);
    }

    [Theory]
    [InlineData("{ prefix: 2001:db8:9::/48, via: fe80::2 }", "NFV1204")]
    [InlineData("{ prefix: 2001:db8:9::/48, via: 2001:db8::9, dev: lan }", "NFV1204")]
    [InlineData("{ prefix: 2001:db8:9::/48, via: 2001:db8:77::1 }", "NFV1205")]
    [InlineData("{ prefix: 2001:db8:9::/48, via: 2001:db8::1 }", "NFV1205")]
    [InlineData("{ prefix: 2001:db8:9::/48, dev: v4 }", "NFV1205")]
    [InlineData("{ prefix: 2001:db8:9::/200, dev: lan }", "NFV0203")]
    public void Bad_ipv6_routes_are_refused_with_their_code(string route, string code)
    {
        var (_, diagnostics) = Define($"""
            gw:
              kind: router
              interfaces:
                lan: {"{"} address: 2001:db8::1/64 {"}"}
                v4: {"{"} address: 10.0.0.1/24 {"}"}
              routes:
                - {route}
            """);
        Assert.Contains(diagnostics.Items, d => d.Code == code);
    }

    [Fact]
    public void Link_local_subnets_of_two_interfaces_are_no_overlap()
    {
        var (_, diagnostics) = Define("""
            gw:
              kind: router
              interfaces:
                a: { address: [fe80::1/64, 2001:db8:1::1/64] }
                b: { address: [fe80::1/64, 2001:db8:2::1/64] }
            """);
        Assert.Empty(diagnostics.Items);
    }
}

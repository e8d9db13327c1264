using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Nat.Tests;

/// <summary>The <c>kind: nat</c> configuration: every key read, every bad key or value reported with its line and column.</summary>
public class ConfigTests
{
    private static (NatBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var config = FunctionConfig.ParseFunction(yaml, "lab.yaml");
        var blueprint = new NatFunctionFactory().Define(new FunctionDefinitionContext("masq", config, diagnostics));
        return ((NatBlueprint?)blueprint, diagnostics);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var (blueprint, diagnostics) = Define("""
            masq:
              kind: nat
              external: [203.0.113.2, 203.0.113.3]
              ports: 20000-29999
              mapping: address-dependent
              filtering: endpoint-independent
              tcp-established: 3h
              tcp-transitory: 5m
              udp-timeout: 2m
              icmp-timeout: 90s
              max-sessions: 1000
              max-sessions-per-host: 100
              forwards:
                - { protocol: tcp, port: 8080, to: "192.168.10.100:80" }
                - { protocol: udp, port: 5060, to: 192.168.10.101, address: 203.0.113.3 }
            """);
        Assert.Empty(diagnostics.Items);
        var o = blueprint!.Options;
        Assert.Equal([Ipv4Address.Parse("203.0.113.2"), Ipv4Address.Parse("203.0.113.3")], o.External);
        Assert.Equal((20000, 29999), (o.PortMin, o.PortMax));
        Assert.Equal(NatMapping.AddressDependent, o.Mapping);
        Assert.Equal(NatFiltering.EndpointIndependent, o.Filtering);
        Assert.Equal(TimeSpan.FromHours(3), o.TcpEstablished);
        Assert.Equal(TimeSpan.FromMinutes(5), o.TcpTransitory);
        Assert.Equal(TimeSpan.FromMinutes(2), o.Udp);
        Assert.Equal(TimeSpan.FromSeconds(90), o.Icmp);
        Assert.Equal((1000, 100), (o.MaxSessions, o.MaxSessionsPerHost));
        Assert.Equal(2, o.Forwards.Count);
        Assert.Equal((Ipv4Header.ProtocolTcp, (ushort)8080, "192.168.10.100", (ushort)80), (o.Forwards[0].Protocol, o.Forwards[0].Port, o.Forwards[0].To.ToString(), o.Forwards[0].ToPort));
        Assert.Equal((ushort)5060, o.Forwards[1].ToPort); // no port: the same
        Assert.Equal(Ipv4Address.Parse("203.0.113.3"), o.Forwards[1].External);
        Assert.Empty(blueprint.Ports);
    }

    [Fact]
    public void Defaults_follow_the_rfcs()
    {
        var (blueprint, diagnostics) = Define("masq: { kind: nat }");
        Assert.Empty(diagnostics.Items);
        var o = blueprint!.Options;
        Assert.Empty(o.External);
        Assert.Equal(NatMapping.EndpointIndependent, o.Mapping);
        Assert.Equal(NatFiltering.AddressAndPortDependent, o.Filtering);
        Assert.Equal(TimeSpan.FromMinutes(124), o.TcpEstablished);
        Assert.Equal(TimeSpan.FromMinutes(4), o.TcpTransitory);
        Assert.True(o.Udp >= TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.FromSeconds(60), o.Icmp);
    }

    [Theory]
    [InlineData("bogus: 1", "NFV0102", 3, 3)]
    [InlineData("external: 300.1.1.1", "NFV0203", 3, 13)]
    [InlineData("external: [203.0.113.2, 203.0.113.2]", "NFV1405", 3, 27)]
    [InlineData("ports: 2000-1000", "NFV1401", 3, 10)]
    [InlineData("ports: 0-100", "NFV1401", 3, 10)]
    [InlineData("filtering: full-cone", "NFV1402", 3, 14)]
    [InlineData("mapping: symmetric", "NFV1402", 3, 12)]
    [InlineData("tcp-established: 1h", "NFV0205", 3, 20)]
    [InlineData("tcp-transitory: 1m", "NFV0205", 3, 19)]
    [InlineData("udp-timeout: 30s", "NFV0205", 3, 16)]
    [InlineData("icmp-timeout: 10s", "NFV0205", 3, 17)]
    [InlineData("max-sessions: 0", "NFV0202", 3, 17)]
    [InlineData("max-sessions-per-host: lots", "NFV0202", 3, 26)]
    [InlineData("forwards: { protocol: tcp }", "NFV0201", 3, 13)]
    [InlineData("forwards: [ { protocol: sctp, port: 1, to: 10.0.0.1 } ]", "NFV1403", 3, 27)]
    [InlineData("forwards: [ { protocol: tcp, port: 70000, to: 10.0.0.1 } ]", "NFV0202", 3, 38)]
    [InlineData("forwards: [ { protocol: tcp, port: 80, to: \"10.0.0.1:0\" } ]", "NFV1403", 3, 46)]
    [InlineData("forwards: [ { protocol: tcp, port: 80, to: 127.0.0.1 } ]", "NFV1403", 3, 46)]
    [InlineData("forwards: [ { protocol: tcp, port: 80 } ]", "NFV0101", 3, 15)]
    [InlineData("forwards: [ { protocol: tcp, port: 80, to: 10.0.0.1, via: x } ]", "NFV0102", 3, 56)]
    public void A_bad_key_or_value_is_reported_where_it_is_written(string line, string code, int row, int column)
    {
        var (_, diagnostics) = Define($"""
            masq:
              kind: nat
              {line}
            """);
        var diagnostic = Assert.Single(diagnostics.Items);
        Assert.Equal(code, diagnostic.Code);
        Assert.Equal((row, column), (diagnostic.Span.Line, diagnostic.Span.Column));
    }

    [Fact]
    public void Two_forwards_of_one_port_or_one_inside_endpoint_are_refused_citing_the_first()
    {
        var (_, diagnostics) = Define("""
            masq:
              kind: nat
              forwards:
                - { protocol: tcp, port: 80, to: 10.0.0.1 }
                - { protocol: tcp, port: 80, to: 10.0.0.2 }
                - { protocol: udp, port: 80, to: 10.0.0.2 }
                - { protocol: tcp, port: 81, to: "10.0.0.1:80" }
            """);
        Assert.Equal(2, diagnostics.Items.Count);
        Assert.All(diagnostics.Items, d => Assert.Equal(NatDiagnosticCodes.DuplicateForward, d.Code));
        Assert.Equal(5, diagnostics.Items[0].Span.Line);
        Assert.Contains("lab.yaml(4,", diagnostics.Items[0].Message);
        Assert.Equal(7, diagnostics.Items[1].Span.Line);
    }

    [Fact]
    public void A_per_host_bound_above_the_total_is_refused()
    {
        var (_, diagnostics) = Define("""
            masq:
              kind: nat
              max-sessions: 10
              max-sessions-per-host: 20
            """);
        Assert.Equal(NatDiagnosticCodes.BadLimit, Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void External_addresses_must_be_the_interfaces_own()
    {
        var (blueprint, diagnostics) = Define("""
            masq:
              kind: nat
              external: [203.0.113.2, 198.51.100.7]
              forwards:
                - { protocol: tcp, port: 80, to: 10.0.0.1, address: 203.0.113.9 }
            """);
        Assert.Empty(diagnostics.Items);
        var reference = new FeatureReference("masq", typeof(IIpv4Feature), "interface 'wan' of router 'gw'", new SourceSpan("lab.yaml", 20, 30))
        {
            Placement = new Ipv4FeatureAttachment("gw", 1, "wan", [Ipv4Prefix.Parse("203.0.113.2/24")], []),
        };
        blueprint!.CheckPlacement(reference, diagnostics);
        Assert.Equal(2, diagnostics.Items.Count);
        Assert.Equal((NatDiagnosticCodes.BadExternal, 3, 27), (diagnostics.Items[0].Code, diagnostics.Items[0].Span.Line, diagnostics.Items[0].Span.Column));
        Assert.Contains("198.51.100.7", diagnostics.Items[0].Message);
        Assert.Equal((NatDiagnosticCodes.BadForward, 5), (diagnostics.Items[1].Code, diagnostics.Items[1].Span.Line));
    }

    [Fact]
    public void A_nat_cannot_be_linked_and_serves_one_interface()
    {
        var (blueprint, diagnostics) = Define("masq: { kind: nat }");
        Assert.Equal(-1, blueprint!.Attach(null, "sw", new SourceSpan("lab.yaml", 9, 5), diagnostics));
        Assert.Equal(DiagnosticCodes.BadFeature, Assert.Single(diagnostics.Items).Code);

        var nat = new NatFunction("masq", blueprint.Options);
        var attachment = new Ipv4FeatureAttachment("gw", 1, "wan", [Ipv4Prefix.Parse("203.0.113.2/24")], []);
        Assert.Equal(Ipv4FeatureScope.Router, ((IIpv4Feature)nat).Attach(attachment));
        Assert.Equal([Ipv4Address.Parse("203.0.113.2")], nat.ExternalAddresses);
        Assert.Throws<InvalidOperationException>(() => ((IIpv4Feature)nat).Attach(attachment with { Router = "gw2" }));
    }
}

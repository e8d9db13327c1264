using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>The topology keys of <c>kind: dhcp</c>: what is read, and every mistake reported with its line and column.</summary>
public class ConfigTests
{
    private static (DhcpBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var blueprint = new DhcpFunctionFactory().Define(new FunctionDefinitionContext("dhcp", FunctionConfig.ParseFunction(yaml, "lab.yaml"), diagnostics));
        return ((DhcpBlueprint?)blueprint, diagnostics);
    }

    private static Diagnostic SingleError(string yaml)
    {
        var (_, diagnostics) = Define(yaml);
        return Assert.Single(diagnostics.Items);
    }

    [Fact]
    public void A_full_configuration_is_read()
    {
        var (blueprint, diagnostics) = Define(DhcpHarness.DefaultConfig.Replace("lease: 1h", """
            lease: 2m
              offer-hold: 10s
              decline-hold: 1h
              rate-limit: 5
              mac: 02:dd:00:00:00:01
            """, StringComparison.Ordinal));

        Assert.Empty(diagnostics.Items);
        var options = blueprint!.Options;
        Assert.Equal(Ipv4Prefix.Parse("10.0.0.2/24"), options.Address);
        Assert.Equal(MacAddress.Parse("02:dd:00:00:00:01"), options.Mac);
        Assert.Equal(2, options.Subnets.Count);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Subnets[0].LeaseTime);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Subnets[1].LeaseTime); // inherited
        Assert.Equal(10, options.Subnets[0].PoolSize);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), 5), (options.OfferHold, options.DeclineHold, options.RateLimit));
        Assert.Equal(2, options.Reservations.Count);
        Assert.Equal(["lan"], blueprint.Ports);
    }

    [Fact]
    public void Several_ranges_make_one_pool_and_the_mac_defaults_to_one_derived_from_the_name()
    {
        var (blueprint, diagnostics) = Define("""
            dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: [10.0.0.10-10.0.0.19, 10.0.0.30, 10.0.0.40-10.0.0.41] }
            """);

        Assert.Empty(diagnostics.Items);
        var subnet = blueprint!.Options.Subnets[0];
        Assert.Equal(13, subnet.PoolSize);
        Assert.Equal(Ipv4Address.Parse("10.0.0.30"), subnet.PoolAddress(10));
        Assert.Equal(Ipv4Address.Parse("10.0.0.41"), subnet.PoolAddress(12));
        Assert.Equal(MacAddress.FromName("dhcp"), blueprint.Options.Mac);
    }

    [Theory]
    [InlineData("dhcp: { kind: dhcp, pool: 10.0.0.10-10.0.0.20 }", DiagnosticCodes.MissingKey, "needs 'address'")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.0/24, pool: 10.0.0.10-10.0.0.20 }", DhcpDiagnosticCodes.OutsideSubnet, "network or broadcast")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.20-10.0.0.10 }", DhcpDiagnosticCodes.BadRange, "first not above last")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.1.10-10.0.1.20 }", DhcpDiagnosticCodes.OutsideSubnet, "inside 10.0.0.0/24")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.200-10.0.0.255 }", DhcpDiagnosticCodes.OutsideSubnet, "broadcast")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: [10.0.0.10-10.0.0.20, 10.0.0.15-10.0.0.30] }", DhcpDiagnosticCodes.Overlap, "overlaps 10.0.0.10-10.0.0.20")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.1-10.0.0.20, router: 10.0.0.1 }", DhcpDiagnosticCodes.Overlap, "router's address")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, router: 10.5.0.1 }", DhcpDiagnosticCodes.OutsideSubnet, "not in 10.0.0.0/24")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/8, pool: 10.0.0.1-10.31.255.254 }", DhcpDiagnosticCodes.PoolTooLarge, "at most 1048576")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, lease: 5s }", DiagnosticCodes.BadDuration, "from 10s")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, colour: blue }", DiagnosticCodes.UnknownKey, "colour")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, authoritative: maybe }", DiagnosticCodes.WrongType, "true or false")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, domain: 'bad domain' }", DiagnosticCodes.BadName, "domain name")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, reservations: [ { address: 10.0.0.7 } ] }", DhcpDiagnosticCodes.BadReservation, "exactly one of 'mac' or 'client-id'")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, reservations: [ { mac: 02:00:00:00:00:01, address: 10.1.0.7 } ] }", DhcpDiagnosticCodes.OutsideSubnet, "in a subnet the server serves")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, reservations: [ { client-id: 01, address: 10.0.0.7 } ] }", DhcpDiagnosticCodes.BadReservation, "at least two hex bytes")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, options: [ { code: 3, type: address, value: 10.0.0.1 } ] }", DhcpDiagnosticCodes.BadOption, "use its key")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, options: [ { code: 66, type: float, value: 1 } ] }", DhcpDiagnosticCodes.BadOption, "must be one of")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, options: [ { code: 23, type: uint8, value: 300 } ] }", DhcpDiagnosticCodes.BadOption, "not a valid uint8")]
    [InlineData("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20, subnets: [ { prefix: 10.0.0.0/16, pool: 10.0.5.1-10.0.5.9 } ] }", DhcpDiagnosticCodes.Overlap, "overlaps 10.0.0.0/24")]
    public void Each_mistake_is_reported_once_with_its_code_and_place(string yaml, string code, string text)
    {
        var error = SingleError(yaml);

        Assert.Equal(code, error.Code);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.Equal("lab.yaml", error.Span.File);
        Assert.Equal(1, error.Span.Line);
    }

    [Fact]
    public void The_server_has_one_port_linked_by_its_bare_name_or_as_lan()
    {
        var (blueprint, _) = Define("dhcp: { kind: dhcp, address: 10.0.0.2/24, pool: 10.0.0.10-10.0.0.20 }");
        var diagnostics = new DiagnosticBag();
        var span = new SourceSpan("lab.yaml", 9, 5);

        Assert.Equal(0, blueprint!.Attach(null, "sw", span, diagnostics));
        Assert.Equal(0, blueprint.Attach("lan", "sw", span, diagnostics));
        Assert.Equal(-1, blueprint.Attach("wan", "sw", span, diagnostics));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(DhcpDiagnosticCodes.UnknownPort, error.Code);
        Assert.Contains("'dhcp' or 'dhcp.lan'", error.Message, StringComparison.Ordinal);
    }
}

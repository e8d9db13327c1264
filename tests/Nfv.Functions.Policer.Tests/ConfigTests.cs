using Nfv.Testing;

namespace Nfv.Functions.Policer.Tests;

/// <summary>A policer's configuration as a topology file gives it, and every mistake at its line and column.</summary>
public class ConfigTests
{
    private static string Refused(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new PolicerFunctionFactory(), yaml);
        Assert.Null(blueprint);
        return string.Join("\n", diagnostics.Items);
    }

    [Fact]
    public void Classes_and_the_default_are_read_with_their_rates_and_bursts()
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new PolicerFunctionFactory(), """
            police:
              kind: policer
              direction: outbound
              rate: 1.5gbit
              classes:
                - { name: voice, dscp: 46, rate: 512kbit, burst: 4kb, exceed: remark, remark-dscp: 0 }
                - { protocol: tcp, dst-port: 873, rate: 2mbit }
            """);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        var options = ((PolicerBlueprint)blueprint).Options;
        Assert.Equal(PolicerDirection.Outbound, options.Direction);
        Assert.Equal(["voice", "class-2", "default"], options.Classes.Select(c => c.Name));
        Assert.Equal([512_000L, 2_000_000L, 1_500_000_000L], options.Classes.Select(c => c.BitsPerSecond));
        // Given, then the default: 50 ms at the rate, at least 256 kB (four TSO super-frames).
        Assert.Equal([4096L, 256 * 1024L, 1_500_000_000L / 8 / 20], options.Classes.Select(c => c.BurstBytes));
        Assert.Equal("tcp dst-port 873", options.Classes[1].Match.ToString());
    }

    [Theory]
    [InlineData("rate: 10mbps", "test.yaml(1,32): error NFV0210: 'rate' of policer 'police' is '10mbps'; write a rate from 8kbit to 100gbit, such as 10mbit, 512kbit or 1.5gbit")]
    [InlineData("rate: 1kbit", "test.yaml(1,32): error NFV0210: ")]
    [InlineData("rate: 1mbit, burst: 100b", "test.yaml(1,46): error NFV0211: 'burst' of policer 'police' is '100b'; write a size from 1500b to 64mb, such as 64kb (k, m and g count 1024s)")]
    [InlineData("rate: 1mbit, exceed: remark", "test.yaml(1,39): error NFV1604: 'exceed: remark' of policer 'police' needs 'remark-dscp' (the DSCP to set, 0-63)")]
    [InlineData("rate: 1mbit, remark-dscp: 8", "test.yaml(1,39): error NFV1604: 'remark-dscp' of policer 'police' needs 'exceed: remark'")]
    [InlineData("direction: up, rate: 1mbit", "test.yaml(1,37): error NFV1603: 'direction' of policer 'police' is 'up'; it must be one of: both, outbound, inbound")]
    [InlineData("burst: 64kb", "test.yaml(1,26): error NFV0101: 'burst' of policer 'police' is for its default class, which needs 'rate'")]
    [InlineData("direction: both", "test.yaml(1,9): error NFV0101: policer 'police' polices nothing: give it a 'rate', 'classes', or both")]
    [InlineData("classes: [ { dscp: 46 } ]", "test.yaml(1,37): error NFV0101: class 1 of policer 'police' needs 'rate'")]
    [InlineData("classes: [ { rate: 1mbit, dst-port: 80 } ]", "test.yaml(1,52): error NFV0209: 'dst-port' of class 1 of policer 'police' needs 'protocol: tcp' or 'protocol: udp'")]
    public void A_bad_setting_is_refused_at_its_line_and_column(string keys, string expected)
    {
        Assert.StartsWith(expected, Refused($"police: {{ kind: policer, {keys} }}"));
    }
}

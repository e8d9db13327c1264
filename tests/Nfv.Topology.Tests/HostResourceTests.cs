namespace Nfv.Topology.Tests;

/// <summary>Lab hosts' resource limits (<c>cpu</c>, <c>memory</c>, <c>pids</c>) and commands (<c>exec</c>).</summary>
public class HostResourceTests
{
    private static TopologyLoadResult Host(string hostYaml) => Fixture.Text($$"""
        functions:
          lan: { kind: switch }
        ports:
          p1: { tap: nfv-p1 }
        links: [ [p1, lan] ]
        hosts:
          h1: {{hostYaml}}
        """);

    [Fact]
    public void Limits_and_commands_are_read()
    {
        var result = Host("{ port: p1, address: 10.0.0.1/24, cpu: 0.5, memory: 128M, pids: 100, exec: ['iperf3 -s', 'sleep 10'] }");

        Fixture.AssertDiagnostics(result);
        var h1 = result.Topology!.Hosts[0];
        Assert.Equal(new HostLimits(0.5, 128L << 20, 100), h1.Limits);
        Assert.Equal(["iperf3 -s", "sleep 10"], h1.Exec);
    }

    [Fact]
    public void A_host_without_them_has_no_limits_and_runs_nothing()
    {
        var h1 = Host("{ port: p1, address: 10.0.0.1/24, exec: 'echo hello' }").Topology!.Hosts[0];
        Assert.Null(h1.Limits);
        Assert.Equal(["echo hello"], h1.Exec);
    }

    [Theory]
    [InlineData("cpu: 0", "NFV0202", "number of cores from 0.01 to 1024")]
    [InlineData("cpu: half", "NFV0202", "number of cores")]
    [InlineData("memory: 1M", "NFV0211", "write a size")]
    [InlineData("memory: 12Q", "NFV0211", "write a size")]
    [InlineData("pids: 0", "NFV0202", "")]
    [InlineData("exec: ['']", "NFV0108", "is empty")]
    [InlineData("exec: [{ run: x }]", "NFV0201", "")]
    public void Bad_limits_and_commands_are_refused_saying_why(string yaml, string code, string message)
    {
        var result = Host($"{{ port: p1, address: 10.0.0.1/24, {yaml} }}");

        Assert.Null(result.Topology);
        Assert.Contains(result.Diagnostics, d => d.Code == code && d.Message.Contains(message, StringComparison.Ordinal));
    }
}

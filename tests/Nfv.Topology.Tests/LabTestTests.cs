namespace Nfv.Topology.Tests;

/// <summary>A topology's <c>tests:</c>: each kind read as written, and every mistake refused at its place, saying what to write.</summary>
public class LabTestTests
{
    private static TopologyLoadResult Lab(string tests) => Fixture.Text($$"""
        functions:
          lan: { kind: switch }
        ports:
          p1: { tap: nfv-p1 }
          p2: { tap: nfv-p2 }
          p3: { socket: /run/nfv/vm.sock }
        links: [ [p1, lan], [p2, lan], [p3, lan] ]
        hosts:
          h1: { port: p1, address: dhcp }
          internet: { port: p2, address: 203.0.113.1/24 }
          vm: { port: p3, address: 10.0.0.9/24, vm: {} }
        tests:
        {{tests}}
        """);

    [Fact]
    public void Each_kind_is_read_with_its_options()
    {
        var result = Lab("""
              - ping: h1 -> internet
              - { ping: internet -> h1, expect: fail }
              - { ping: h1 -> 203.0.113.1, count: 20, max-loss: 5%, max-rtt: 50ms }
              - { tcp: h1 -> internet:8080, as: 203.0.113.2 }
              - { udp: h1 -> vm:53 }
              - { lease: h1, in: 192.168.10.100-192.168.10.199 }
            """);

        Fixture.AssertDiagnostics(result);
        var tests = result.Topology!.Tests;
        Assert.Equal(["ping h1 -> internet", "ping internet -> h1 (expect fail)", "ping h1 -> 203.0.113.1", "tcp h1 -> internet:8080",
            "udp h1 -> vm:53", "lease h1 in 192.168.10.100-192.168.10.199"], tests.Select(t => t.Name));
        Assert.Equal((20, 0.05, TimeSpan.FromMilliseconds(50)), (tests[2].Count, tests[2].MaxLoss!.Value, tests[2].MaxRtt!.Value));
        Assert.Equal(new LabTestTarget(null, Ip.Headers.Ipv4Address.Parse("203.0.113.1")), tests[2].Target);
        Assert.Equal(("internet", 8080, "203.0.113.2"), (tests[3].Target!.Host, tests[3].Port, tests[3].SeenAs.ToString()));
        Assert.True(tests[1].ExpectFailure);
        Assert.Equal(13, tests[0].Span.Line);
    }

    [Theory]
    [InlineData("- ping: h1 to internet", "write it as FROM -> TO")]
    [InlineData("- ping: h1 -> internt", "names 'internt', which is no lab host (hosts: h1, internet, vm) nor an IPv4 address; did you mean 'internet'?")]
    [InlineData("- tcp: h1 -> internet", "name the port from 1 to 65535, such as 'internet:80'")]
    [InlineData("- udp: h1 -> internet:70000", "name the port from 1 to 65535")]
    [InlineData("- ping: vm -> h1", "runs from 'vm', a VM: tests run from namespace hosts")]
    [InlineData("- { lease: internet, in: 10.0.0.1-10.0.0.9 }", "which has a static address")]
    [InlineData("- { lease: h1, in: 10.0.0.9-10.0.0.1 }", "write a range FIRST-LAST")]
    [InlineData("- { ping: h1 -> internet, expect: maybe }", "'expect'")]
    [InlineData("- { ping: h1 -> internet, expect: fail, max-loss: 5% }", "expects nothing to get through")]
    [InlineData("- { ping: h1 -> internet, tcp: h1 -> internet:80 }", "a test checks one thing; this one names ping and tcp")]
    [InlineData("- { trace: h1 -> internet }", "a test starts with what it checks: one of ping, tcp, udp, lease")]
    public void Mistakes_are_refused_saying_what_to_write(string test, string message)
    {
        var result = Lab("  " + test);

        Assert.Null(result.Topology);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(message, StringComparison.Ordinal) && d.Span.Line == 13);
    }

    [Fact]
    public void A_bad_percentage_or_option_says_so()
    {
        var result = Lab("  - { ping: h1 -> internet, max-loss: lots, size: 9 }");
        Assert.Contains(result.Diagnostics, d => d.Code == "NFV0202" && d.Message.Contains("write a percentage", StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, d => d.Code == "NFV0102" && d.Message.Contains("expected one of: ping, expect, count, max-loss, max-rtt", StringComparison.Ordinal));
    }
}

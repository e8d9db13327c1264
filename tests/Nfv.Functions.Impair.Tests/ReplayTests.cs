using Nfv.Testing;

namespace Nfv.Functions.Impair.Tests;

/// <summary>
/// Impairment in a topology replayed offline as <c>nfv replay</c> runs it, declared as a function or on a link: what
/// enters at one time leaves at its delay, in the right direction only.
/// </summary>
public class ReplayTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static byte[] Frame(int number) =>
        IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 17, IpPackets.Udp((ushort)number, 5201, 100));

    private static ReplayResult Replay(string links, string functions = "{}") => TopologyReplay.Run($$"""
        functions: {{functions}}
        ports:
          p1: { tap: imr-p1 }
          p2: { tap: imr-p2 }
        links:
        {{links}}
        """,
        new Dictionary<string, IReadOnlyList<PcapRecord>>
        {
            ["p1"] = [.. Enumerable.Range(0, 10).Select(i => new PcapRecord(T0.AddMilliseconds(i * 5), Frame(i)))],
            ["p2"] = [new PcapRecord(T0.AddMilliseconds(1), Frame(99))],
        },
        Runtime.FunctionDiscovery.Catalog([typeof(ImpairFunction).Assembly]));

    [Fact]
    public void A_link_with_impair_delays_what_its_first_end_sends_and_not_the_other_way()
    {
        var result = Replay("  - { endpoints: [p1, p2], impair: { outbound: { delay: 30ms } } }");

        Assert.Equal(Enumerable.Range(0, 10).Select(i => 30.0 + (i * 5)), result.Out["p2"].Select(r => (r.Time - T0).TotalMilliseconds));
        Assert.Equal([1.0], result.Out["p1"].Select(r => (r.Time - T0).TotalMilliseconds));
    }

    [Fact]
    public void An_impair_function_inline_does_the_same()
    {
        var result = Replay("  - [p1, wan.inside]\n  - [wan.outside, p2]", "{ wan: { kind: impair, outbound: { delay: 30ms } } }");

        Assert.Equal(Enumerable.Range(0, 10).Select(i => 30.0 + (i * 5)), result.Out["p2"].Select(r => (r.Time - T0).TotalMilliseconds));
    }

    [Fact]
    public void A_bad_impairment_on_a_link_is_reported_where_it_is_written()
    {
        var error = Assert.Throws<FunctionTestException>(() => Replay("  - { endpoints: [p1, p2], impair: { loss: 5 } }"));
        Assert.Contains("topology.yaml(6,", error.Message); // the link's own line
        Assert.Contains("NFV1902", error.Message);
    }
}

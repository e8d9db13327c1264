using Nfv.Testing;
using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>
/// The firewall inside a topology, replayed offline as <c>nfv replay</c> runs it (loaded from its own assembly, as nfv
/// loads the plugin): frames into both ports in time order, and what comes out of each.
/// </summary>
public class ReplayTests
{
    [Fact]
    public void Only_the_allowed_connection_and_its_replies_cross_the_firewall()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var syn = Tcp(Inside, Syn);
        var synAck = Tcp(Outside, SynAck);
        var scan = Tcp(Outside, Syn, insidePort: 22, outsidePort: 40001);
        var result = TopologyReplay.Run("""
            functions:
              fw:
                kind: firewall
                rules: [ { action: allow, from: inside, protocol: tcp, dst-port: 80 } ]
            ports:
              lan: { tap: fwr-lan }
              wan: { tap: fwr-wan }
            links:
              - [lan, fw.inside]
              - [fw.outside, wan]
            """,
            new Dictionary<string, IReadOnlyList<PcapRecord>>
            {
                ["lan"] = [new(t0, syn)],
                ["wan"] = [new(t0.AddMilliseconds(1), synAck), new(t0.AddMilliseconds(2), scan)],
            },
            Runtime.FunctionDiscovery.Catalog([typeof(FirewallFunction).Assembly]));

        Assert.Equal([syn], result.Out["wan"].Select(r => r.Frame));
        Assert.Equal([synAck], result.Out["lan"].Select(r => r.Frame));
        Assert.Equal([("fw/DefaultDeny", 1L)], result.Summary.Drops);
    }
}

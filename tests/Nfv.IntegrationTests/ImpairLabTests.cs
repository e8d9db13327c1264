using System.Globalization;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Impairment between real Linux hosts, measured the way a lab user would with ping: the delay a wire adds, beside a
/// wire that adds nothing in the same nfv, and the share of echoes a lossy wire loses.
/// </summary>
public class ImpairLabTests
{
    [PrivilegedFact]
    public async Task A_20ms_delay_adds_20ms_to_the_round_trip_and_10_percent_loss_loses_a_tenth()
    {
        await using var lab = new Lab();
        string a1 = lab.Host("a1"), a2 = lab.Host("a2"), b1 = lab.Host("b1"), b2 = lab.Host("b2"), c1 = lab.Host("c1"), c2 = lab.Host("c2");
        var path = lab.WriteTopology("impair.yaml", $$"""
            name: impair
            functions:
              plain: { kind: impair }
              slow: { kind: impair, outbound: { delay: 20ms } }
              lossy: { kind: impair, outbound: { loss: 10% } }
            ports:
              pa1: { tap: {{lab.Tap("a1")}} }
              pa2: { tap: {{lab.Tap("a2")}} }
              pb1: { tap: {{lab.Tap("b1")}} }
              pb2: { tap: {{lab.Tap("b2")}} }
              pc1: { tap: {{lab.Tap("c1")}} }
              pc2: { tap: {{lab.Tap("c2")}} }
            links:
              - [pa1, plain.inside]
              - [plain.outside, pa2]
              - [pb1, slow.inside]
              - [slow.outside, pb2]
              - [pc1, lossy.inside]
              - [lossy.outside, pc2]
            hosts:
              {{a1}}: { port: pa1, address: 10.91.1.1/24 }
              {{a2}}: { port: pa2, address: 10.91.1.2/24 }
              {{b1}}: { port: pb1, address: 10.91.2.1/24 }
              {{b2}}: { port: pb2, address: 10.91.2.2/24 }
              {{c1}}: { port: pc1, address: 10.91.3.1/24 }
              {{c2}}: { port: pc2, address: 10.91.3.2/24 }
            """);
        using var nfv = await lab.RunAsync(path);
        await Ping.AssertReachesAsync(a1, "10.91.1.2"); // ARP settled on every wire before measuring
        await Ping.AssertReachesAsync(b1, "10.91.2.2");
        await Ping.RunAsync(c1, "10.91.3.2", 5);

        // Medians over 50 echoes each, the two wires measured one after the other in the same nfv.
        double plain = Median(await Ping.RunAsync(a1, "10.91.1.2", 50, "-i", "0.02"));
        double slow = Median(await Ping.RunAsync(b1, "10.91.2.2", 50, "-i", "0.05"));
        Assert.InRange(slow - plain, 19.0, 21.0);

        // 2,000 echoes through a wire losing 10% one way.
        var lossy = await Shell.InNamespaceAsync(c1, TimeSpan.FromSeconds(60), "ping", "-c", "2000", "-i", "0.002", "-W", "1", "-q", "-n", "10.91.3.2");
        Assert.InRange(FloodTests.Loss(lossy), 7.0, 13.0);
    }

    [PrivilegedFact]
    public async Task Nfv_impair_changes_a_running_wire_and_show_links_says_what_each_wire_does()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("impair-link.yaml", $$"""
            name: impair-link
            functions:
              sw: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("l1")}} }
              p2: { tap: {{lab.Tap("l2")}} }
            links:
              - { endpoints: [p1, sw], impair: { delay: 10ms } }
              - [p2, sw]
            hosts:
              {{h1}}: { port: p1, address: 10.91.4.1/24 }
              {{h2}}: { port: p2, address: 10.91.4.2/24 }
            """);
        using var nfv = await lab.RunAsync(path);
        string management = (await nfv.ManagementUrlAsync()).Authority;
        await Ping.AssertReachesAsync(h1, "10.91.4.2");
        Assert.InRange(Median(await Ping.RunAsync(h1, "10.91.4.2", 20, "-i", "0.05")), 19.5, 22); // 10 ms each way

        var links = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "links", "--address", management], TimeSpan.FromSeconds(30));
        Assert.True(links.ExitCode == 0, links.ToString());
        Assert.Matches(@"p1\s+sw\S*\s+impair-p1-sw\s+outbound: delay 10ms; inbound: delay 10ms", links.StandardOutput);
        // And what it did so far: every ping and reply crossed the delay line (23 pings, two ways), nothing else.
        var delayed = Regex.Match(links.StandardOutput, @"delayed (\d+)");
        Assert.True(delayed.Success, links.StandardOutput);
        Assert.InRange(int.Parse(delayed.Groups[1].Value, CultureInfo.InvariantCulture), 46, 200);
        Assert.DoesNotContain("dropped:", links.StandardOutput);

        // Changed while it runs, by an end of the link: 30 ms one way, nothing back; the next pings see it.
        var change = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "impair", "p1", "outbound.delay=30ms", "--address", management], TimeSpan.FromSeconds(30));
        Assert.True(change.ExitCode == 0, change.ToString());
        Assert.InRange(Median(await Ping.RunAsync(h1, "10.91.4.2", 20, "-i", "0.05")), 29.5, 32);

        // A bad value is refused with its reason, and the wire keeps what it had.
        var bad = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "impair", "impair-p1-sw", "loss=5", "--address", management], TimeSpan.FromSeconds(30));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("must be a percentage from 0% to 100%", bad.StandardError);
        Assert.InRange(Median(await Ping.RunAsync(h1, "10.91.4.2", 20, "-i", "0.05")), 29.5, 32);

        // No settings: a perfect wire again.
        Assert.Equal(0, (await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "impair", "p1", "--address", management], TimeSpan.FromSeconds(30))).ExitCode);
        Assert.InRange(Median(await Ping.RunAsync(h1, "10.91.4.2", 20, "-i", "0.05")), 0, 2);
    }

    [PrivilegedFact(Needs = "iperf3")]
    public async Task A_10_mbit_rate_holds_iperf3_tcp_near_it_and_reordering_shows_in_iperf3_udp()
    {
        await using var lab = new Lab();
        string client = lab.Host("cl"), server = lab.Host("sv"), client2 = lab.Host("c2"), server2 = lab.Host("s2");
        using var nfv = await lab.RunAsync(lab.WriteTopology("rate.yaml", $$"""
            name: rate
            ports:
              p1: { tap: {{lab.Tap("r1")}} }
              p2: { tap: {{lab.Tap("r2")}} }
              p3: { tap: {{lab.Tap("r3")}} }
              p4: { tap: {{lab.Tap("r4")}} }
            links:
              - { endpoints: [p1, p2], impair: { outbound: { rate: 10mbit } } }
              - { endpoints: [p3, p4], impair: { outbound: { delay: 10ms, reorder: 25% } } }
            hosts:
              {{client}}: { port: p1, address: 10.91.5.1/24 }
              {{server}}: { port: p2, address: 10.91.5.2/24 }
              {{client2}}: { port: p3, address: 10.91.6.1/24 }
              {{server2}}: { port: p4, address: 10.91.6.2/24 }
            """));
        await Ping.AssertReachesAsync(client, "10.91.5.2");
        await Ping.AssertReachesAsync(client2, "10.91.6.2");
        LabProcess.Start(lab, server, "iperf3", "-s", "-B", "10.91.5.2");
        LabProcess.Start(lab, server2, "iperf3", "-s", "-B", "10.91.6.2");
        await Task.Delay(500);

        // TCP through a 10 Mbit/s wire: what the receiver got after slow start, as payload (1448 of every 1514 bytes: 9.56).
        using (var tcp = await IperfAsync(client, "10.91.5.2", "-t", "6", "-O", "1"))
        {
            double received = tcp.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
            Assert.InRange(received / 1e6, 9.0, 10.5);
        }

        // UDP at 2 Mbit/s (a datagram every 4 ms) through a wire that sends a quarter of its datagrams ahead of the 10 ms the
        // others wait: the receiving iperf3 counts those that arrive after a later one.
        using var udp = await IperfAsync(client2, "10.91.6.2", "-u", "-b", "2M", "-t", "3", "-l", "1000", "--get-server-output");
        long packets = udp.RootElement.GetProperty("end").GetProperty("sum").GetProperty("packets").GetInt64();
        string report = udp.RootElement.GetProperty("server_output_text").GetString()!;
        var outOfOrder = System.Text.RegularExpressions.Regex.Match(report, @"(\d+) datagrams received out-of-order");
        Assert.True(outOfOrder.Success && long.Parse(outOfOrder.Groups[1].Value, CultureInfo.InvariantCulture) > packets / 10,
            $"of {packets} datagrams, iperf3 says: {report}");
    }

    private static async Task<System.Text.Json.JsonDocument> IperfAsync(string client, string server, params string[] extra)
    {
        var run = await Shell.InNamespaceAsync(client, TimeSpan.FromSeconds(30), ["iperf3", "-c", server, "-J", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return System.Text.Json.JsonDocument.Parse(run.StandardOutput);
    }

    // The median round trip of a ping's echoes, in milliseconds.
    private static double Median(CommandResult ping)
    {
        var times = Regex.Matches(ping.StandardOutput, @"time=([\d.]+) ms").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.True(times.Length >= 18, ping.ToString());
        return times[times.Length / 2];
    }
}

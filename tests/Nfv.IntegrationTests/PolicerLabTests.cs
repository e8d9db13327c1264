using System.Globalization;
using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13, proof 3 (the policer's half): the policer plugin inline between a client and a server holds a real
/// iperf3 TCP run to its rate, and its class counters say so.
/// </summary>
public class PolicerLabTests
{
    private const string Client = "10.77.16.1", Server = "10.77.16.2";

    [PrivilegedFact(Needs = "iperf3")]
    public async Task A_policer_at_10_mbit_holds_iperf3_tcp_within_ten_percent_one_way_only()
    {
        await using var lab = new Lab();
        string client = lab.Host("cl"), server = lab.Host("sv");
        using var nfv = await lab.RunAsync(lab.WriteTopology("police.yaml", $$"""
            functions:
              police: { kind: policer, direction: outbound, rate: 10mbit }   # the default burst: 256 kB
            ports:
              p1: { tap: {{lab.Tap("p1")}} }
              p2: { tap: {{lab.Tap("p2")}} }
            links:
              - [p1, police.inside]
              - [police.outside, p2]
            hosts:
              {{client}}: { port: p1, address: {{Client}}/24 }
              {{server}}: { port: p2, address: {{Server}}/24 }
            """));
        await Ping.AssertReachesAsync(client, Server);
        LabProcess.Start(lab, server, "iperf3", "-s", "-B", Server);
        await Task.Delay(500);

        // Client to server, policed: the receiver's rate, after the first second (slow start), within 10% of 10 Mbit/s.
        // iperf3 counts TCP payload and the policer Ethernet frames as on the wire: 1448 of every 1514 bytes (TCP
        // timestamps on; a TSO super-frame counts every segment's headers). Three runs: 9.36, 9.57, 9.50 Mbit/s.
        double policed = await ReceivedBitsPerSecondAsync(client, "-t", "6", "-O", "1");
        double payloadRate = 10_000_000.0 * 1448 / 1514;
        Assert.True(Math.Abs(policed - payloadRate) <= payloadRate * 0.10,
            $"{policed / 1e6:F2} Mbit/s of TCP payload through a 10 Mbit/s policer (expected {payloadRate / 1e6:F2} ± 10%)");

        // Server to client (iperf3 -R) is not policed: it runs well above the rate.
        double unpoliced = await ReceivedBitsPerSecondAsync(client, "-t", "2", "-R");
        Assert.True(unpoliced > 5 * payloadRate, $"{unpoliced / 1e6:F2} Mbit/s the way that is not policed");

        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        var row = (await http.GetJsonAsync("/api/tables/policer")).GetProperty("rows")[0];
        long conformed = long.Parse(row[7].GetString()!, CultureInfo.InvariantCulture), exceeded = long.Parse(row[8].GetString()!, CultureInfo.InvariantCulture);
        Assert.True(conformed > 6_000_000 && exceeded > 0, $"default class: {conformed} bytes conformed, {exceeded} exceeded packets");
    }

    private static async Task<double> ReceivedBitsPerSecondAsync(string client, params string[] extra)
    {
        var run = await Shell.InNamespaceAsync(client, TimeSpan.FromSeconds(30), ["iperf3", "-c", Server, "-J", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        return json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
    }
}

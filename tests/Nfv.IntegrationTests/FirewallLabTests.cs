using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13, proof 2: the firewall plugin between an inside and an outside host, with real curl, ping, traceroute and
/// iperf3: what the rules allow passes with its replies, what they do not is stopped, ICMP errors about allowed flows
/// come back as related, and the rule counters move.
/// </summary>
public class FirewallLabTests
{
    private const string InsideAddress = "10.77.15.1", OutsideAddress = "10.77.15.2";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private static string Topology(Lab lab, string inside, string outside) => $$"""
        functions:
          fw:
            kind: firewall
            rules:
              - { action: allow, from: inside, protocol: tcp, dst-port: 8000 }
              - { action: allow, from: inside, protocol: tcp, dst-port: 5201 }
              - { action: allow, from: inside, protocol: udp, dst-port: 33434-33534 }
              - { action: allow, from: inside, protocol: icmp, icmp-type: echo-request }
              - { action: deny, from: outside, protocol: tcp, dst-port: 8000 }
        ports:
          p1: { tap: {{lab.Tap("f1")}} }
          p2: { tap: {{lab.Tap("f2")}} }
        links:
          - [p1, fw.inside]
          - [fw.outside, p2]
        hosts:
          {{inside}}: { port: p1, address: {{InsideAddress}}/24 }
          {{outside}}: { port: p2, address: {{OutsideAddress}}/24 }
        """;

    private static Task<CommandResult> CurlAsync(string host, string url) =>
        Shell.InNamespaceAsync(host, ToolTimeout, "curl", "-s", "-S", "-o", "/dev/null", "-w", "%{http_code}", "-m", "3", url);

    [PrivilegedFact(Needs = "curl")]
    public async Task What_the_rules_allow_passes_with_its_replies_and_nothing_else_does()
    {
        await using var lab = new Lab();
        string inside = lab.Host("in"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("fw.yaml", Topology(lab, inside, outside)));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };

        // Web: out is allowed (rule 1) and its replies come back; in is denied (rule 5), also by the default for other ports.
        await WebServer.StartAsync(lab, outside, OutsideAddress, 8000);
        await WebServer.StartAsync(lab, inside, InsideAddress, 8000);
        var get = await CurlAsync(inside, $"http://{OutsideAddress}:8000/");
        Assert.True(get.ExitCode == 0 && get.StandardOutput == "200", get.ToString());
        var blocked = await CurlAsync(outside, $"http://{InsideAddress}:8000/");
        Assert.True(blocked.ExitCode != 0, "a connection from outside to the inside web server was let in: " + blocked);

        // Ping: the inside's echo requests open connections (rule 4); the outside's meet the default.
        await Ping.AssertReachesAsync(inside, OutsideAddress);
        await Ping.AssertCannotReachAsync(outside, InsideAddress);

        // traceroute (UDP to ports from 33434): its probes are allowed (rule 3); the port unreachable the outside host
        // answers with is allowed by no rule, only as related to the probe's connection.
        var trace = await Shell.InNamespaceAsync(inside, ToolTimeout, "traceroute", "-n", "-q1", "-w2", "-m2", OutsideAddress);
        Assert.True(trace.ExitCode == 0, trace.ToString());
        Assert.Matches($@"\n\s*1\s+{Regex.Escape(OutsideAddress)}\s", trace.StandardOutput);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches(@"nfv_function_events_total\{function=""fw"",event=""related""\} [1-9]", metrics);
        Assert.Matches(@"nfv_function_dropped_packets_total\{function=""fw"",reason=""denied""\} [1-9]", metrics);
        Assert.Matches(@"nfv_function_dropped_packets_total\{function=""fw"",reason=""default_deny""\} [1-9]", metrics);

        // nfv show firewall: each rule that decided something has counted it.
        var show = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "firewall", "--address", http.BaseAddress!.Authority], ToolTimeout);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"fw\s+1\s+allow\s+from inside tcp dst-port 8000\s+\d{2,}\s+\d{4,}\s+[1-9]", show.StandardOutput);
        Assert.Matches(@"fw\s+4\s+allow\s+from inside icmp echo-request\s+[1-9]\d*\s+\d+\s+[1-9]", show.StandardOutput);
        Assert.Matches(@"fw\s+5\s+deny\s+from outside tcp dst-port 8000\s+[1-9]\d*\s+\d+\s+0", show.StandardOutput);
        var conntrack = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "conntrack", "--address", http.BaseAddress.Authority], ToolTimeout);
        Assert.Matches($@"fw\s+tcp\s+{Regex.Escape(InsideAddress)}:\d+\s+{Regex.Escape(OutsideAddress)}:8000\s+(established|closing|reset)\s+1\s", conntrack.StandardOutput);
    }

    [PrivilegedFact(Needs = "iperf3")]
    public async Task An_iperf3_run_crosses_the_firewall_one_way_and_its_rule_counts_the_bytes()
    {
        await using var lab = new Lab();
        string inside = lab.Host("in"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("fw.yaml", Topology(lab, inside, outside)));
        await Ping.AssertReachesAsync(inside, OutsideAddress);

        // TSO super-frames pass whole; the data and the ACKs both belong to the connection rule 2 opened.
        var serverRun = Shell.InNamespaceAsync(outside, ToolTimeout, "iperf3", "-s", "-1", "-B", OutsideAddress);
        await Task.Delay(500);
        var run = await Shell.InNamespaceAsync(inside, ToolTimeout, "iperf3", "-c", OutsideAddress, "-t", "3", "-J");
        await serverRun;
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        long bytes = json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bytes").GetInt64();
        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the firewall in 3 s");

        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        var rules = await http.GetJsonAsync("/api/tables/firewall");
        var rule2 = rules.GetProperty("rows").EnumerateArray().Single(r => r[1].GetString() == "2");
        Assert.True(long.Parse(rule2[5].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= bytes, $"rule 2 counted {rule2[5]} bytes of the {bytes} iperf3 moved");
        Assert.Equal("2", rule2[6].GetString()); // iperf3's control and data connections

        // The other way, iperf3 cannot even connect: no rule lets a connection in from outside to 5201.
        LabProcess.Start(lab, inside, "iperf3", "-s", "-B", InsideAddress);
        await Task.Delay(500);
        var reverse = await Shell.InNamespaceAsync(outside, ToolTimeout, "iperf3", "-c", InsideAddress, "-t", "1", "--connect-timeout", "2000");
        Assert.True(reverse.ExitCode != 0, "iperf3 connected from outside: " + reverse);
    }
}

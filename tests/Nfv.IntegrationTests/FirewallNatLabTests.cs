using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13: a firewall and a NAT on the same router interface (<c>wan: { features: [masq, wall] }</c>) sharing one
/// connection table, between real hosts: the inside's connections go out translated and their replies pass as
/// established, a port forward is let in by a rule written with the inside address, one the rules do not allow is
/// stopped (and leaves no NAT session), and ICMP errors about translated connections pass as related.
/// </summary>
public class FirewallNatLabTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private const string Inside = "10.83.1.10";
    private const string External = "198.18.83.1";
    private const string Outside = "198.18.83.10";

    private static string Topology(Lab lab, string inside, string outside) => $$"""
        name: firewall-nat
        functions:
          gw:
            kind: router
            interfaces:
              lan: { address: 10.83.1.1/24 }
              wan: { address: {{External}}/24, features: [masq, wall] }
          masq:
            kind: nat
            forwards:
              - { protocol: tcp, port: 8080, to: "{{Inside}}:8000" }
              - { protocol: tcp, port: 2222, to: "{{Inside}}:8001" }
          wall:
            kind: firewall
            rules:
              - { action: allow, from: inside }
              - { action: allow, from: outside, protocol: tcp, dst: {{Inside}}/32, dst-port: 8000 }
              - { action: allow, from: outside, protocol: icmp, icmp-type: echo-request, dst: {{External}}/32 }
        ports:
          p1: { tap: {{lab.Tap("w1")}} }
          p2: { tap: {{lab.Tap("w2")}} }
        links:
          - [p1, gw.lan]
          - [gw.wan, p2]
        hosts:
          {{inside}}: { port: p1, address: {{Inside}}/24, gateway: 10.83.1.1 }
          {{outside}}: { port: p2, address: {{Outside}}/24, gateway: {{External}} }
        """;

    private static Task<CommandResult> CurlAsync(string host, string url) =>
        Shell.InNamespaceAsync(host, ToolTimeout, "curl", "-s", "-S", "-o", "/dev/null", "-w", "%{http_code}", "-m", "3", url);

    [PrivilegedFact(Needs = "curl")]
    public async Task The_firewall_judges_what_the_nat_translates_with_one_connection_each()
    {
        await using var lab = new Lab();
        string inside = lab.Host("in"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("firewall-nat.yaml", Topology(lab, inside, outside)));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        await Ping.AssertReachesAsync(inside, Outside);

        // Out: translated (the server sees the external address), the replies let back in as established.
        string outsideLog = await WebServer.StartAsync(lab, outside, Outside, 8000);
        var get = await CurlAsync(inside, $"http://{Outside}:8000/");
        Assert.True(get.ExitCode == 0 && get.StandardOutput == "200", get.ToString());
        Assert.Contains(File.ReadAllLines(outsideLog), l => l.StartsWith(External + " ", StringComparison.Ordinal) && l.Contains("\"GET / ", StringComparison.Ordinal));

        // In through the forward a rule allows (written with the inside address, as the firewall sees it after the NAT).
        await WebServer.StartAsync(lab, inside, Inside, 8000);
        await WebServer.StartAsync(lab, inside, Inside, 8001);
        var forwarded = await CurlAsync(outside, $"http://{External}:8080/");
        Assert.True(forwarded.ExitCode == 0 && forwarded.StandardOutput == "200", forwarded.ToString());
        // The other forward leads to a server too, but no rule lets it in.
        var denied = await CurlAsync(outside, $"http://{External}:2222/");
        Assert.True(denied.ExitCode != 0, "the forward no rule allows was let in: " + denied);

        // ICMP errors about translated connections: traceroute's probes go out, the outside host's port unreachable comes
        // back translated by the NAT and passed by the firewall as related (no rule allows ICMP errors from outside).
        var trace = await Shell.InNamespaceAsync(inside, ToolTimeout, "traceroute", "-n", "-q1", "-w2", "-m3", Outside);
        Assert.True(trace.ExitCode == 0, trace.ToString());
        Assert.Matches($@"\n\s*2\s+{Regex.Escape(Outside)}\s", trace.StandardOutput);

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches(@"nfv_function_events_total\{function=""wall"",event=""tracked""\} [1-9]", metrics);
        Assert.Matches(@"nfv_function_events_total\{function=""wall"",event=""related""\} [1-9]", metrics);
        Assert.Matches(@"nfv_function_events_total\{function=""wall"",event=""dropped_default_deny""\} [1-9]", metrics);

        // One table: the firewall's view of a connection is the inside's (10.83.1.10 to the server, not the external
        // address), with the rule that let it in; the NAT lists the same connection with its translation, and none for
        // the forward the firewall refused.
        string management = http.BaseAddress!.Authority;
        var conntrack = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "conntrack", "--address", management], ToolTimeout);
        Assert.True(conntrack.ExitCode == 0, conntrack.ToString());
        Assert.Matches($@"wall\s+tcp\s+{Regex.Escape(Inside)}:\d+\s+{Regex.Escape(Outside)}:8000\s+\w+\s+1\s", conntrack.StandardOutput);
        Assert.Matches($@"wall\s+tcp\s+{Regex.Escape(Outside)}:\d+\s+{Regex.Escape(External)}:8080\s+\w+\s+2\s", conntrack.StandardOutput);
        var nat = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "nat", "--address", management], ToolTimeout);
        Assert.True(nat.ExitCode == 0, nat.ToString());
        Assert.Matches($@"masq\s+tcp\s+{Regex.Escape(Inside)}:\d+\s+{Regex.Escape(External)}:\d+\s+{Regex.Escape(Outside)}:8000", nat.StandardOutput);
        Assert.DoesNotMatch($@"masq\s+tcp\s+{Regex.Escape(Inside)}:8001\s+{Regex.Escape(External)}:2222\s+{Regex.Escape(Outside)}", nat.StandardOutput);
    }
}

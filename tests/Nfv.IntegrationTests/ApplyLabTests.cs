using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 16, proof 1: <c>nfv apply</c> on the shipped home-router lab while an iperf3 flow crosses it (h1 to the
/// internet, through the switch, the router and the NAT): a host added, a host with its port and link removed, a port
/// forward added, the DHCP pool changed. The flow does not break, the leases and NAT sessions stay, a dry run and an
/// invalid file change nothing.
/// </summary>
public class ApplyLabTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    /// <remarks>
    /// Run with one worker and with two (issue 17): with two and each TAP on one, the ports and functions are spread over
    /// both, so the flow's frames are handed between workers; with two and a TAP queue each, the switch, router and NAT
    /// run an instance per worker, and the apply reaches each; either way the apply replaces the graph with both parked.
    /// </remarks>
    [PrivilegedTheory(Needs = "iperf3")]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public async Task Apply_adds_and_removes_hosts_and_changes_the_nat_and_dhcp_while_a_flow_runs_unbroken(int workers, bool queues)
    {
        await using var lab = new Lab();
        var (path, h1, h2, internet) = lab.ShippedHomeRouter();
        string h3 = lab.Host("h3"), tap3 = lab.Tap("l3");
        using var nfv = await lab.RunAsync(path, $"--Nfv:Workers={workers}", $"--Nfv:MultiQueueTaps={queues}");
        await nfv.WaitForOutputAsync(new System.Text.RegularExpressions.Regex($@"is up: .*, {workers} dataplane workers?\."), TimeSpan.FromSeconds(5));
        string authority = (await nfv.ManagementUrlAsync()).Authority;
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        var leasesBefore = Rows(await nfv.TableRowsAsync("leases"));
        string h1Address = await AddressOfAsync(h1);
        Assert.Contains(leasesBefore, row => row.StartsWith($"dhcp {h1Address} bound", StringComparison.Ordinal));

        string original = File.ReadAllText(path);
        string changed = original
            .Replace("pool: 192.168.10.100-192.168.10.199", "pool: 192.168.10.100-192.168.10.149", StringComparison.Ordinal)
            .Replace("to: \"192.168.10.100:80\" } ]", $"to: \"192.168.10.100:80\" }}, {{ protocol: tcp, port: 2222, to: \"{h1Address}:8022\" }} ]", StringComparison.Ordinal)
            .Replace($"  lan2:   {{ tap: {lab.Tap("l2")} }}\n", $"  lan3:   {{ tap: {tap3} }}\n", StringComparison.Ordinal)
            .Replace("  - [lan2, lan]\n", "  - [lan3, lan]\n", StringComparison.Ordinal)
            .Replace($"  {h2}: {{ port: lan2, address: dhcp }}\n", $"  {h3}: {{ port: lan3, address: dhcp }}\n", StringComparison.Ordinal);
        Assert.NotEqual(original, changed);
        File.WriteAllText(path, changed);

        // A dry run prints the plan and changes nothing.
        var dry = await ApplyAsync(authority, path, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("~ function masq: nat, settings: forwards (changed in place, its state kept where it fits)", dry.StandardOutput);
        Assert.Contains("~ function dhcp: dhcp, settings: pool (changed in place, its state kept where it fits)", dry.StandardOutput);
        Assert.Contains($"+ host {h3}: dhcp on port lan3", dry.StandardOutput);
        Assert.Contains($"- host {h2}: dhcp", dry.StandardOutput);
        Assert.Contains("- link lan2 <-> lan.lan2", dry.StandardOutput);
        Assert.Contains("Dry run: nothing was changed.", dry.StandardOutput);
        Assert.False(Lab.NamespaceExists(h3));
        Assert.True(Lab.NamespaceExists(h2));

        // An invalid file is refused whole, every error reported with its place.
        string broken = lab.WriteTopology("home-router-broken.yaml", changed
            .Replace("  - [lan3, lan]\n", "  - [lan4, lan]\n", StringComparison.Ordinal)
            .Replace("kind: dhcp\n", "kind: dhcpd\n", StringComparison.Ordinal));
        var refused = await ApplyAsync(authority, broken);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("home-router-broken.yaml(", refused.StandardError);
        Assert.Contains("'lan4'", refused.StandardError);
        Assert.Contains("'dhcpd'", refused.StandardError);
        Assert.Contains("nfv apply: nothing was changed", refused.StandardError);
        Assert.False(Lab.NamespaceExists(h3));

        // The flow: 12 s of iperf3 from h1 to the internet host, the apply in its middle.
        var server = Shell.InNamespaceAsync(internet, ToolTimeout, "iperf3", "-s", "-1", "-B", "203.0.113.1");
        await Task.Delay(500);
        var flow = Shell.InNamespaceAsync(h1, ToolTimeout, "iperf3", "-c", "203.0.113.1", "-t", "12", "-i", "1", "-J");
        await Task.Delay(TimeSpan.FromSeconds(4));
        var sessionsBefore = NatSessions(await nfv.TableRowsAsync("nat"), h1Address);
        Assert.NotEmpty(sessionsBefore);

        var applied = await ApplyAsync(authority, path);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("Applied.", applied.StandardOutput);
        var run = await flow;
        await server;
        Assert.True(run.ExitCode == 0, run.ToString());
        using (var json = JsonDocument.Parse(run.StandardOutput))
        {
            var intervals = json.RootElement.GetProperty("intervals").EnumerateArray()
                .Select(i => i.GetProperty("sum").GetProperty("bits_per_second").GetDouble()).ToList();
            Assert.True(intervals.Count >= 11, run.StandardOutput);
            Assert.All(intervals, bits => Assert.True(bits > 1_000_000, $"a second of the flow carried {bits} bit/s: {string.Join(", ", intervals)}"));
        }
        // The NAT kept the flow's sessions (their external ports too), the DHCP server h1's lease.
        Assert.Superset(sessionsBefore.ToHashSet(), NatSessions(await nfv.TableRowsAsync("nat"), h1Address).ToHashSet());
        var leasesAfter = Rows(await nfv.TableRowsAsync("leases"));
        Assert.Contains(leasesAfter, row => row.StartsWith($"dhcp {h1Address} bound", StringComparison.Ordinal));

        // What changed: h3 is there with a lease from the new pool, h2 and its TAP are gone, the forward works.
        Assert.False(Lab.NamespaceExists(h2));
        Assert.False(Lab.InterfaceExists(lab.Tap("l2")));
        Assert.True(Lab.NamespaceExists(h3));
        string h3Address = await AddressOfAsync(h3); // applying waited for its lease
        Assert.InRange(int.Parse(h3Address.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture), 100, 149);
        await Ping.AssertReachesAsync(h3, "203.0.113.1");
        await Ping.AssertReachesAsync(h3, h1Address);
        string log = await WebServer.StartAsync(lab, h1, h1Address, 8022);
        var through = await Shell.InNamespaceAsync(internet, TimeSpan.FromSeconds(10), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "3",
            "http://203.0.113.2:2222/");
        Assert.Equal("200", through.StandardOutput.Trim());
        Assert.Contains("203.0.113.1 - -", File.ReadAllText(log)); // the forward, seen from h1: the internet host's request
        var hosts = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "hosts", "--address", authority], ToolTimeout);
        Assert.Contains(h3, hosts.StandardOutput);
        Assert.DoesNotContain(h2, hosts.StandardOutput);
        using (var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) })
        {
            // /metrics shows the lab as it is now: the new port, no series of the port that went, the router (kept) with
            // its counts from before the apply (the iperf3 run: far more than 10,000 packets).
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("nfv_port_up{port=\"lan3\"} 1", metrics);
            Assert.DoesNotContain("port=\"lan2\"", metrics);
            Assert.Matches(@"nfv_function_processed_packets_total\{function=""gw""\} [1-9][0-9]{4}", metrics);
        }

        // The same file again asks for nothing.
        var again = await ApplyAsync(authority, path);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Nothing to change", again.StandardOutput);
    }

    [PrivilegedFact]
    public async Task Sighup_applies_the_file_nfv_runs_and_a_refusal_leaves_the_lab_as_it_was()
    {
        await using var lab = new Lab();
        var (path, h1, _, _) = lab.ShippedHomeRouter();
        using var nfv = await lab.RunAsync(path);
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        string original = File.ReadAllText(path);

        File.WriteAllText(path, original.Replace("kind: nat,", "kind: nat, external: [203.0.113.9],", StringComparison.Ordinal));
        nfv.Signal("HUP");
        await nfv.WaitForErrorAsync("Did not apply", TimeSpan.FromSeconds(10));
        await Ping.AssertReachesAsync(h1, "203.0.113.1");

        File.WriteAllText(path, original.Replace("lease: 12h", "lease: 2h", StringComparison.Ordinal));
        nfv.Signal("HUP");
        await nfv.WaitForErrorAsync("Applied", TimeSpan.FromSeconds(10));
        Assert.True(nfv.IsRunning);
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
    }

    private static async Task<string> AddressOfAsync(string host) =>
        (await Shell.InNamespaceAsync(host, ToolTimeout, "sh", "-c", "ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1")).StandardOutput.Trim();

    private static List<string> Rows(List<JsonElement> rows) =>
        [.. rows.Select(r => string.Join(" ", r.EnumerateArray().Select(c => c.ToString())))];

    // The flow's NAT sessions, as protocol, inside, external and remote endpoints.
    private static List<string> NatSessions(List<JsonElement> rows, string inside) =>
        [.. rows.Select(r => r.EnumerateArray().Select(c => c.ToString()).ToArray())
            .Where(r => r[1] == "tcp" && r[2].StartsWith(inside + ":", StringComparison.Ordinal) && r[4] == "203.0.113.1:5201")
            .Select(r => string.Join(" ", r[1..5]))];

    private static Task<CommandResult> ApplyAsync(string authority, string file, params string[] options) =>
        Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "apply", file, "--address", authority, .. options], ToolTimeout);
}

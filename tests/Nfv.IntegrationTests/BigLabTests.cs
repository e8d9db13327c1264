using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Lab;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 20: labs of hundreds of hosts, written with ranges, come up in batches, fail cleanly half-way, and are quiet
/// once up (bench/lab-scale.sh measures a thousand against a shell loop).
/// </summary>
public class BigLabTests
{
    private static string Topology(Lab lab, int hosts) => $$"""
        name: {{lab.Prefix}}-big
        functions:
          lan: { kind: switch }
        ports:
          "p[1-{{hosts}}]": { tap: "{{lab.Prefix}}t[1-{{hosts}}]" }
        links:
          - ["p[1-{{hosts}}]", lan]
        hosts:
          "{{lab.Prefix}}-h[1-{{hosts}}]": { port: "p[1-{{hosts}}]", address: "[10.77.0.10-10.77.{{(hosts + 9) / 256}}.{{(hosts + 9) % 256}}]/16" }
        """;

    [PrivilegedFact]
    public async Task A_host_that_fails_half_way_is_named_and_everything_made_before_it_is_removed()
    {
        await using var lab = new Lab();
        var names = Enumerable.Range(1, 100).Select(i => lab.Host($"h{i}")).ToList(); // all removed after, whatever happens
        Enumerable.Range(1, 100).ToList().ForEach(i => lab.Tap($"t{i}"));
        var taken = await Shell.RunAsync("ip", "netns", "add", names[56]); // h57's name is taken once the checks are behind
        Assert.Equal(0, taken.ExitCode);
        var loaded = TopologyLoader.LoadFromText(Topology(lab, 100), Path.Combine(lab.Directory, "big.yaml"), FunctionDiscovery.Installed());
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));

        var error = Assert.Throws<LabException>(() => LabEnvironment.Create(loaded.Topology!, NullLogger.Instance));

        Assert.StartsWith($"host '{names[56]}': ", error.Message);
        Assert.Contains("File exists", error.Message);
        Assert.Empty(names.Where((n, i) => i != 56 && Lab.NamespaceExists(n)));
        Assert.True(Lab.NamespaceExists(names[56]), "the namespace nfv did not make was removed");
        var taps = await Shell.RunAsync("ip", "-o", "link", "show");
        Assert.DoesNotContain($"{lab.Prefix}t", taps.StandardOutput);
    }

    [PrivilegedFact]
    public async Task Two_hundred_hosts_come_up_reach_each_other_and_are_quiet_once_up()
    {
        await using var lab = new Lab();
        Enumerable.Range(1, 200).ToList().ForEach(i => lab.Host($"h{i}"));
        var started = Stopwatch.StartNew();
        using var nfv = await lab.RunAsync(lab.WriteTopology("big.yaml", Topology(lab, 200)));
        var up = started.Elapsed;
        await Ping.AssertReachesAsync($"{lab.Prefix}-h1", "10.77.0.209");
        await Ping.AssertReachesAsync($"{lab.Prefix}-h200", "10.77.0.10");
        Assert.True(up < TimeSpan.FromSeconds(30), $"200 hosts took {up.TotalSeconds:F1} s to come up");

        // No IPv6 on hosts that have none: no solicitations, reports or address checks for the switch to flood.
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        // The pings' last ARP exchanges: a neighbour entry a packet used while stale is confirmed by a unicast probe 5 s later.
        await Task.Delay(TimeSpan.FromSeconds(7));
        // Per thread, the runtime's background JIT left out: it may still be compiling what bring-up ran (ThreadTimes).
        long before = await ReceivedAsync(http);
        var cpu = ThreadTimes.Of(nfv.Id);
        await Task.Delay(TimeSpan.FromSeconds(6));
        long after = await ReceivedAsync(http);
        var (used, busiest) = ThreadTimes.Since(nfv.Id, cpu);

        Assert.Equal(before, after);
        Assert.True(used < TimeSpan.FromMilliseconds(300), $"nfv used {used.TotalMilliseconds:F0} ms of CPU in 6 idle seconds; busiest threads (10 ms ticks): {busiest}");
        var v6 = await Shell.InNamespaceAsync($"{lab.Prefix}-h1", TimeSpan.FromSeconds(5), "cat", "/proc/sys/net/ipv6/conf/eth0/disable_ipv6");
        Assert.Equal("1", v6.StandardOutput.Trim());
    }

    [PrivilegedFact(Needs = "script /usr/bin/script")]
    public async Task Progress_is_a_line_that_updates_itself_on_a_terminal_and_a_line_a_phase_in_a_pipe()
    {
        await using var lab = new Lab();
        Enumerable.Range(1, 50).ToList().ForEach(i => lab.Host($"h{i}"));
        string path = lab.WriteTopology("big.yaml", Topology(lab, 50));

        // In a pipe (as every test runs nfv): one line per phase, with its duration; nothing that redraws.
        using (var piped = await lab.RunAsync(path))
        {
            Assert.Equal(0, await piped.InterruptAsync(TimeSpan.FromSeconds(30)));
            Assert.Matches(@"nfv: namespaces 50 in \d+\.\d s\n", piped.StandardError);
            Assert.Matches(@"nfv: hosts 50 in \d+\.\d s\n", piped.StandardError);
            Assert.Matches(@"nfv: closing ports 50 in \d+\.\d s\n", piped.StandardError);
            Assert.DoesNotContain("\r", piped.StandardError);
        }

        // On a terminal (script(1) gives nfv a pseudo-terminal and keeps what it showed): one line, redrawn.
        string typescript = Path.Combine(lab.Directory, "typescript");
        string command = $"dotnet {NfvProcess.NfvDll} run {path} --Nfv:StateDirectory={lab.StateDirectory} --Nfv:Management:Address=127.0.0.1:0";
        using var script = Process.Start(new ProcessStartInfo("script", ["-q", "-f", "-e", "-c", command, typescript])
        {
            RedirectStandardInput = true, // kept open: script stops when its input ends
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            await Eventually.UntilAsync(() => File.Exists(typescript) && File.ReadAllText(typescript).Contains("is up", StringComparison.Ordinal),
                "nfv under script to come up", TimeSpan.FromSeconds(60));
            var nfv = await Shell.RunAsync("pgrep", "-f", $"^dotnet .*nfv.dll run {path}");
            Assert.Equal(0, (await Shell.RunAsync("kill", "-TERM", nfv.StandardOutput.Trim())).ExitCode);
            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }
        string shown = File.ReadAllText(typescript);
        Assert.Contains("\r\u001b[Knfv: namespaces 50/50, hosts 50/50", shown);
        Assert.Contains("\r\u001b[Knfv: removing namespaces 50/50, closing ports 50/50", shown);
        Assert.DoesNotContain("nfv: hosts 50 in", shown);
    }

    [Fact]
    public async Task The_shipped_200_host_lab_expands_to_a_file_nfv_reads_the_same_and_a_typo_is_placed()
    {
        string shipped = Path.Combine(AppContext.BaseDirectory, "topologies", "many-hosts.yaml");
        var expanded = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "validate", shipped, "--expand"], TimeSpan.FromSeconds(30));
        Assert.True(expanded.ExitCode == 0, expanded.ToString());
        Assert.Contains("  m7: { port: p7, address: 10.20.0.16/24 }\n", expanded.StandardOutput);
        string directory = Directory.CreateTempSubdirectory("nfv-expand-").FullName;
        try
        {
            string written = Path.Combine(directory, "many-hosts.yaml");
            await File.WriteAllTextAsync(written, expanded.StandardOutput);
            var again = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "validate", written], TimeSpan.FromSeconds(30));
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("topology 'many-hosts' is valid: 1 function(s), 200 port(s), 200 link(s), 200 host(s)", again.StandardOutput);

            string typo = Path.Combine(directory, "typo.yaml");
            await File.WriteAllTextAsync(typo, (await File.ReadAllTextAsync(shipped)).Replace("port: \"p[1-200]\"", "port: \"p[1-20]\"", StringComparison.Ordinal));
            var refused = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "validate", typo], TimeSpan.FromSeconds(30));
            Assert.Equal(1, refused.ExitCode);
            Assert.Matches(@"typo\.yaml\(21,\d+\): error NFV0115: 'p\[1-20\]' has 20 values, but 'm\[1-200\]' \(at .*typo\.yaml\(21,3\)\) makes 200 entries", refused.StandardError);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long> ReceivedAsync(HttpClient http) =>
        (await http.GetJsonAsync("/api/ports")).EnumerateArray().Sum(p => p.GetProperty("traffic").GetProperty("received_packets").GetInt64());
}

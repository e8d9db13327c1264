namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13, proof 1: a function made from the <c>dotnet new nfv-function</c> template outside the solution, against
/// the Nfv packages packed from this checkout, passes its generated tests, loads into this unmodified nfv from a plugin
/// folder and carries traffic between two lab hosts; without it, validation says clearly what is missing.
/// </summary>
public class PluginTemplateTests
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(3);

    [PrivilegedFact]
    public async Task A_function_from_the_template_is_built_outside_nfv_and_carries_traffic_as_a_plugin()
    {
        await using var lab = new Lab();
        string version = $"1.0.0-{lab.Prefix}"; // packages of this run only, removed from the NuGet cache at the end
        try
        {
            var (plugin, generatedTests) = await BuildFromTemplateAsync(lab, version);
            Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+8", generatedTests);

            var plugins = Directory.CreateDirectory(Path.Combine(lab.Directory, "plugins")).FullName;
            foreach (var file in Directory.GetFiles(plugin, "*.dll"))
            {
                File.Copy(file, Path.Combine(plugins, Path.GetFileName(file)));
            }
            string h1 = lab.Host("h1"), h2 = lab.Host("h2");
            var topology = lab.WriteTopology("mirror.yaml", $$"""
                functions:
                  filter: { kind: mirror, block: [0x86dd] }
                ports:
                  p1: { tap: {{lab.Tap("p1")}} }
                  p2: { tap: {{lab.Tap("p2")}} }
                links:
                  - [p1, filter.a]
                  - [filter.b, p2]
                hosts:
                  {{h1}}: { port: p1, address: [10.77.13.1/24, fd00:77:13::1/64] }   # IPv6 on, for the plugin to block
                  {{h2}}: { port: p2, address: [10.77.13.2/24, fd00:77:13::2/64] }
                """);
            var withPlugins = new Dictionary<string, string> { ["Nfv__PluginDirectories__0"] = plugins };

            using (var nfv = lab.StartNfv(withPlugins, "run", topology))
            {
                await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
                await Ping.AssertReachesAsync(h1, "10.77.13.2"); // ARP and IPv4 cross the plugin
                var h2Link = (await Shell.InNamespaceAsync(h2, TimeSpan.FromSeconds(5), "ip", "-6", "-brief", "address", "show", "dev", "eth0")).StandardOutput;
                var h2LinkLocal = System.Text.RegularExpressions.Regex.Match(h2Link, @"fe80::[0-9a-f:]+").Value;
                Assert.False(string.IsNullOrEmpty(h2LinkLocal), h2Link);
                var ping6 = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(10), "ping", "-6", "-c", "2", "-W", "1", $"{h2LinkLocal}%eth0");
                Assert.True(ping6.ExitCode != 0, "IPv6 is blocked by the plugin: " + ping6);

                using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
                var metrics = await http.GetStringAsync("/metrics");
                Assert.Matches(@"nfv_function_events_total\{function=""filter"",event=""passed_a_to_b""\} [1-9]", metrics);
                Assert.Matches(@"nfv_function_dropped_packets_total\{function=""filter"",reason=""blocked""\} [1-9]", metrics);
                var show = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "blocked", "--address", http.BaseAddress!.Authority], TimeSpan.FromSeconds(30));
                Assert.True(show.ExitCode == 0, show.ToString());
                Assert.Matches(@"filter\s+0x86dd\s+[1-9]", show.StandardOutput); // the plugin's own table, as nfv show prints it
            }

            // Without the plugin, the same file is refused at the kind, naming the kinds there are.
            Directory.Delete(plugins, recursive: true);
            Directory.CreateDirectory(plugins);
            using var validate = lab.StartNfv(withPlugins, "validate", topology);
            Assert.Equal(1, await validate.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"{topology}(2,19): error NFV0104: function 'filter' has unknown kind 'mirror'; known kinds: dhcp, firewall, impair, nat, policer, router, shaper, steer, switch", validate.StandardError);
        }
        finally
        {
            foreach (var package in Directory.Exists(NfvProcess.NuGetCache) ? Directory.GetDirectories(NfvProcess.NuGetCache, "nfv.*") : [])
            {
                var ours = Path.Combine(package, version);
                if (Directory.Exists(ours))
                {
                    Directory.Delete(ours, recursive: true);
                }
                if (!Directory.EnumerateFileSystemEntries(package).Any())
                {
                    Directory.Delete(package);
                }
            }
        }
    }

    /// <summary>
    /// Packs this checkout's libraries (as built for these tests) as <paramref name="version"/>, makes <c>Acme.Mirror</c>
    /// from the template, runs its tests and returns its build folder and the tests' output.
    /// </summary>
    private static async Task<(string Plugin, string TestOutput)> BuildFromTemplateAsync(Lab lab, string version)
    {
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string feed = Path.Combine(lab.Directory, "packages"), hive = Path.Combine(lab.Directory, "templates"), project = Path.Combine(lab.Directory, "Acme.Mirror");
        await DotnetAsync(Repository.Root, "pack", "Nfv.sln", "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}",
            $"-p:NuspecOutputPath={Path.Combine(lab.Directory, "nuspec")}/");
        await DotnetAsync(lab.Directory, "new", "install", Path.Combine(Repository.Root, "templates", "nfv-function"), "--debug:custom-hive", hive);
        await DotnetAsync(lab.Directory, "new", "nfv-function", "-n", "Acme.Mirror", "-o", project, "--packages", feed, "--nfv-version", version, "--debug:custom-hive", hive);
        var tests = await DotnetAsync(project, "test");
        return (Path.Combine(project, "src", "Acme.Mirror", "bin", "Debug", "net10.0"), tests.StandardOutput);
    }

    /// <summary>Runs <c>dotnet ARGUMENTS</c> in <paramref name="directory"/>; fails the test with its output when it does not succeed.</summary>
    internal static async Task<CommandResult> DotnetAsync(string directory, params string[] arguments)
    {
        var result = await Shell.RunAsync("dotnet", arguments, DotnetTimeout, directory);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

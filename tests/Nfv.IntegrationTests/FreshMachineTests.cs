using System.Text.RegularExpressions;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// The README's first command on a machine with no DHCP client installed: nfv is told to find programs only in a
/// folder holding <c>ip</c> (<c>NFV_PROGRAM_PATH</c>), as on a fresh Debian with only iproute2, whatever this machine has.
/// </summary>
public class FreshMachineTests
{
    private static Dictionary<string, string> OnlyIproute2(Lab lab)
    {
        var bin = Directory.CreateDirectory(Path.Combine(lab.Directory, "bin")).FullName;
        var ip = LinuxMachineProbe.DefaultProgramDirectories.Select(d => Path.Combine(d, "ip")).First(File.Exists);
        File.CreateSymbolicLink(Path.Combine(bin, "ip"), ip);
        return new() { [LinuxMachineProbe.ProgramPathVariable] = bin };
    }

    [PrivilegedFact]
    public async Task Doctor_says_the_home_router_is_ready_with_the_builtin_client_and_names_the_packages_it_could_use()
    {
        await using var lab = new Lab();
        var (path, h1, h2, _) = lab.ShippedHomeRouter();

        using var doctor = lab.StartNfv(OnlyIproute2(lab), "doctor", path);
        Assert.Equal(0, await doctor.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var lines = doctor.StandardOutput.Split('\n').Select(l => Regex.Replace(l.Trim(), " {2,}", " | ")).ToList();
        Assert.Contains("ok | ip | setting up ports and lab hosts | iproute2", lines);
        Assert.Contains($"optional | dhclient | hosts {h1}, {h2} would use it first if installed (dhcp-client: auto) | isc-dhcp-client", lines);
        Assert.Contains($"optional | udhcpc | hosts {h1}, {h2} would use it first if installed (dhcp-client: auto) | udhcpc", lines);
        Assert.Contains($"optional | dhcpcd | hosts {h1}, {h2} would use it first if installed (dhcp-client: auto) | dhcpcd-base", lines);
        Assert.Contains($"ok | builtin | hosts {h1}, {h2} use nfv's own DHCP client: no real client is installed | -", lines);
        Assert.Contains(lines, l => l.StartsWith($"ready: nfv run {path} has all it needs", StringComparison.Ordinal));
    }

    [PrivilegedFact]
    public async Task Doctor_names_the_missing_package_of_a_client_the_topology_asks_for()
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("lab.yaml", $$"""
            functions: { lan: { kind: switch } }
            ports: { p1: { tap: {{lab.Tap("p1")}} } }
            links: [ [p1, lan] ]
            hosts: { {{lab.Host("a")}}: { port: p1, address: dhcp, dhcp-client: udhcpc } }
            """);

        using var doctor = lab.StartNfv(OnlyIproute2(lab), "doctor", path);

        Assert.Equal(1, await doctor.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("install with: apt-get install udhcpc", doctor.StandardOutput);
        Assert.Matches($@"MISSING +udhcpc +host {lab.Host("a")} \(dhcp-client: udhcpc\) +udhcpc", doctor.StandardOutput);
    }

    [PrivilegedFact]
    public async Task The_default_lab_comes_up_and_its_dhcp_hosts_reach_the_internet_without_any_dhcp_client_installed()
    {
        await using var lab = new Lab();
        var (path, h1, h2, _) = lab.ShippedHomeRouter();

        using var nfv = lab.StartNfv(OnlyIproute2(lab), "run", path);
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));

        foreach (var host in new[] { h1, h2 })
        {
            await nfv.WaitForOutputAsync(new Regex($@"host {host}: 192\.168\.10\.\d+/24 router 192\.168\.10\.1 dns 192\.168\.10\.1 .*by DHCP \(builtin\) on eth0"),
                TimeSpan.FromSeconds(5));
        }
        // The API shows the leases, not "dhcp".
        using (var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) })
        {
            var hosts = (await http.GetJsonAsync("/api/topology")).GetProperty("hosts").EnumerateArray()
                .Where(h => h.GetProperty("name").GetString() is var n && (n == h1 || n == h2)).ToList();
            Assert.Equal(2, hosts.Count);
            Assert.All(hosts, h => Assert.Matches(@"^192\.168\.10\.\d+/24$", h.GetProperty("address").GetString()));
        }
        var route = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(5), "ip", "-4", "route", "show", "default");
        Assert.Contains("default via 192.168.10.1 dev eth0", route.StandardOutput);
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        await Ping.AssertReachesAsync(h2, "203.0.113.1");

        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));
        var leases = File.ReadAllText(Path.Combine(lab.StateDirectory, "home-router", "dhcp.leases"));
        Assert.True(2 == Regex.Matches(leases, @" released .* " + Regex.Escape(h1) + "$| released .* " + Regex.Escape(h2) + "$", RegexOptions.Multiline).Count,
            $"both leases are released at stop:\n{leases}\n{nfv.StandardError}");
    }
}

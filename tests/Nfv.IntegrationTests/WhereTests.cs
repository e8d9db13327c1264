using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 16, proof 3: <c>nfv where h1</c> on the shipped home-router lab answers in one go with h1's switch port, its
/// lease, the router's ARP entry and its NAT sessions; a MAC or an address finds the same host; an unknown one is a
/// clear error.
/// </summary>
public class WhereTests
{
    [PrivilegedFact]
    public async Task Where_joins_port_lease_arp_and_nat_sessions_of_a_home_router_host()
    {
        await using var lab = new Lab();
        var (path, h1, _, internet) = lab.ShippedHomeRouter();
        using var nfv = await lab.RunAsync(path);
        string authority = (await nfv.ManagementUrlAsync()).Authority;

        // A ping there and back (the router learns h1 to send the reply), then two UDP flows: NAT sessions for each.
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        foreach (var port in new[] { 5000, 5001 })
        {
            var sent = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(5), "bash", "-c", $"echo hello > /dev/udp/203.0.113.1/{port}");
            Assert.True(sent.ExitCode == 0, sent.ToString());
        }
        var where = await WhereAsync(authority, h1);
        Assert.True(where.ExitCode == 0, where.ToString());
        string mac = (await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(5), "cat", "/sys/class/net/eth0/address")).StandardOutput.Trim();
        string leased = Regex.Match(where.StandardOutput, @"lease (192\.168\.10\.\d+) \(dhcp, bound, \d+ s left\)").Groups[1].Value;
        Assert.True(leased.Length > 0, where.StandardOutput);
        var summary = where.StandardOutput.Split('\n')[0];
        Assert.StartsWith($"{h1} (port lan1) {mac}, on lan port lan1 vlan 1, lease {leased} ", summary);
        Assert.Contains("known to gw on lan", summary);
        Assert.Matches(@"[0-9]+ NAT sessions \(masq\) as 203\.0\.113\.2:[0-9]+", summary); // the pings' and the two flows' (a retried ping may add one)
        Assert.Matches($@"masq\s+udp\s+{Regex.Escape(leased)}:\d+\s+203\.0\.113\.2:\d+\s+203\.0\.113\.1:5000", where.StandardOutput);
        Assert.Matches($@"masq\s+udp\s+{Regex.Escape(leased)}:\d+\s+203\.0\.113\.2:\d+\s+203\.0\.113\.1:5001", where.StandardOutput);

        // The MAC and the leased address lead to the same host; the internet host by its address, known to the router's wan.
        Assert.StartsWith($"{h1} (port lan1) {mac}", (await WhereAsync(authority, mac.ToUpperInvariant())).StandardOutput);
        Assert.StartsWith($"{h1} (port lan1) {mac}", (await WhereAsync(authority, leased)).StandardOutput);
        Assert.Contains("address 203.0.113.1, known to gw on wan", (await WhereAsync(authority, "203.0.113.1")).StandardOutput);
        Assert.StartsWith($"{internet} (port uplink)", (await WhereAsync(authority, "203.0.113.1")).StandardOutput);

        var unknown = await WhereAsync(authority, "10.9.9.9");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("nothing in topology 'home-router' knows '10.9.9.9'", unknown.StandardError);
    }

    private static Task<CommandResult> WhereAsync(string authority, string what) =>
        Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "where", what, "--address", authority], TimeSpan.FromSeconds(30));
}

using System.Text.RegularExpressions;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// <c>nfv run</c> with lab hosts that take their address from DHCP. With no DHCP function on this branch, the
/// server is dnsmasq, run by the test inside a second lab host (static address) on the same nfv switch: the
/// exchange, the renewals and the release all cross nfv's dataplane.
/// </summary>
public partial class DhcpHostLabTests
{
    public static TheoryData<DhcpClientKind> Clients => [DhcpClientKind.Dhclient, DhcpClientKind.Udhcpc, DhcpClientKind.Dhcpcd];

    [PrivilegedTheory]
    [MemberData(nameof(Clients))]
    public async Task A_dhcp_host_gets_its_address_through_the_switch_and_releases_it_when_nfv_stops(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        string server = lab.Host("srv"), client = lab.Host("cli");
        var path = lab.WriteTopology("dhcp.yaml", $$"""
            name: dhcp-host
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links: [ [p1, lan], [p2, lan] ]
            hosts:
              {{client}}: { port: p1, address: dhcp, dhcp-client: {{DhcpClients.Name(kind)}} }
              {{server}}: { port: p2, address: 10.78.6.1/24 }
            """);
        var foldersBefore = Directory.GetDirectories(Path.GetTempPath(), $"nfv-{DhcpClients.Name(kind)}-*");
        var nfv = lab.StartNfv("run", path, "--Nfv:DhcpTimeout=00:00:30");
        // nfv's DHCP client is already asking (and retrying) while the server host comes up.
        await WaitForAddressAsync(server, "10.78.6.1/24", nfv);
        var dnsmasq = await DnsmasqServer.StartAsync(lab, server, "eth0", "10.78.6");
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var line = await nfv.WaitForOutputAsync(HostLine(client), TimeSpan.FromSeconds(5));
        Assert.Equal(DhcpClients.Name(kind), line.Groups["client"].Value);
        string leased = line.Groups["ip"].Value;
        Assert.Matches(@"^10\.78\.6\.1[0-5]\d$", leased);
        await dnsmasq.WaitForLogAsync($"DHCPACK(eth0) {leased}", TimeSpan.FromSeconds(5));
        await nfv.WaitForOutputAsync(new Regex(Regex.Escape($"host {server}: 10.78.6.1/24 on eth0 (port p2); try: ip netns exec {server} ping {leased}")), TimeSpan.FromSeconds(5));
        await Ping.AssertReachesAsync(client, "10.78.6.1");
        var clientPids = (await Shell.RunAsync("ip", "netns", "pids", client)).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(clientPids);

        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));

        await dnsmasq.WaitForLogAsync($"DHCPRELEASE(eth0) {leased}", TimeSpan.FromSeconds(5));
        Assert.False(Lab.NamespaceExists(client), "the DHCP host's namespace must be removed");
        Assert.All(clientPids, pid => Assert.False(IsRunning(pid), $"process {pid} of the DHCP client is still running"));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), $"nfv-{DhcpClients.Name(kind)}-*").Except(foldersBefore)); // the client's folder is gone
    }

    [PrivilegedFact]
    public async Task Without_a_server_nfv_warns_comes_up_anyway_and_stops_the_client()
    {
        await using var lab = new Lab();
        string client = lab.Host("cli");
        var path = lab.WriteTopology("lonely.yaml", $$"""
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
            links: [ [p1, lan] ]
            hosts:
              {{client}}: { port: p1, address: dhcp, dhcp-client: udhcpc }
            """);

        var nfv = lab.StartNfv("run", path, "--Nfv:DhcpTimeout=00:00:02");
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));

        await nfv.WaitForOutputAsync(new Regex(Regex.Escape($"host {client}: NO DHCP LEASE YET (udhcpc keeps trying; is a DHCP server linked?) on eth0 (port p1)")), TimeSpan.FromSeconds(5));
        Assert.Contains($"Lab host {client} got no DHCP lease within 2 s; udhcpc keeps trying. Is a DHCP server linked to port p1?", nfv.StandardError);
        var clientPids = (await Shell.RunAsync("ip", "netns", "pids", client)).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(clientPids);

        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));

        Assert.False(IsRunning(clientPids[0]), "udhcpc must be stopped with nfv");
        Assert.False(Lab.NamespaceExists(client));
    }

    /// <summary>
    /// True while the process exists and has not ended. An ended orphan (dhcpcd's helpers, once dhcpcd exits) stays
    /// a zombie until pid 1 reaps it, which on some machines (this VM's init) takes a while: that counts as ended.
    /// </summary>
    private static bool IsRunning(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.Trim()}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitForAddressAsync(string ns, string address, NfvProcess nfv)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Lab.NamespaceExists(ns)
                && (await Shell.InNamespaceAsync(ns, TimeSpan.FromSeconds(5), "ip", "-4", "addr", "show", "dev", "eth0")).StandardOutput.Contains($"inet {address}", StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"host {ns} never got {address}:\n{nfv.StandardOutput}\n{nfv.StandardError}");
    }

    // "  host NAME: 10.78.6.123/24 router ... , by DHCP (udhcpc) on eth0 (port p1); try: ..."
    private static Regex HostLine(string host) =>
        new($@"host {Regex.Escape(host)}: (?<ip>[\d.]+)/24 router 10\.78\.6\.1 dns 10\.78\.6\.53,10\.78\.6\.54 domain lab\.test lease 120 s from 10\.78\.6\.1, by DHCP \((?<client>\w+)\) on eth0 \(port p1\)");
}

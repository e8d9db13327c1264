using Nfv.Ip.Headers;
using Nfv.Lab;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// The three real DHCP clients against dnsmasq across two namespaces (no nfv): what <see cref="DhcpClient"/> and
/// nfv's DHCP hosts rely on. Each test has its own namespaces, veth pair and dnsmasq, removed even on failure.
/// </summary>
public class DhcpClientTests
{
    public static TheoryData<DhcpClientKind> Clients => [DhcpClientKind.Dhclient, DhcpClientKind.Udhcpc, DhcpClientKind.Dhcpcd, DhcpClientKind.Builtin];

    private static async Task<(string Server, string Client, DnsmasqServer Dnsmasq)> ServedLanAsync(Lab lab, string prefix, params string[] extra)
    {
        string server = lab.Host("srv"), client = lab.Host("cli");
        await Veth.LinkAsync(lab, server, client, $"{prefix}.1/24");
        var dnsmasq = await DnsmasqServer.StartAsync(lab, server, "eth0", prefix, "2m", extra);
        return (server, client, dnsmasq);
    }

    private static void AssertLeaseFromDnsmasq(DhcpLease lease, string prefix)
    {
        var range = Ipv4Prefix.Parse($"{prefix}.0/24");
        Assert.True(range.Contains(lease.Address.Address), $"{lease.Address} is outside {range}");
        uint host = lease.Address.Address.Value & 0xFF;
        Assert.InRange(host, 100u, 150u);
        Assert.Equal(24, lease.Address.Length);
        Assert.Equal(Ipv4Address.Parse($"{prefix}.1"), lease.Router);
        Assert.Equal([Ipv4Address.Parse($"{prefix}.53"), Ipv4Address.Parse($"{prefix}.54")], lease.DnsServers);
        Assert.Equal("lab.test", lease.Domain);
        Assert.Equal(TimeSpan.FromMinutes(2), lease.LeaseTime);
        Assert.Equal(Ipv4Address.Parse($"{prefix}.1"), lease.ServerId);
    }

    private static async Task AssertNoProcessIn(string ns)
    {
        var pids = await Shell.RunAsync("ip", "netns", "pids", ns);
        Assert.True(pids.StandardOutput.Trim().Length == 0, $"processes left in {ns}: {pids.StandardOutput}");
    }

    [PrivilegedTheory(Needs = "dnsmasq")]
    [MemberData(nameof(Clients))]
    public async Task One_exchange_returns_the_lease_dnsmasq_gave_and_leaves_nothing_behind(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        var (_, client, dnsmasq) = await ServedLanAsync(lab, "10.78.1");
        var foldersBefore = ClientFolders();

        var lease = await DhcpClient.GetLeaseAsync(kind, client);

        AssertLeaseFromDnsmasq(lease, "10.78.1");
        Assert.Equal("BOUND", lease.Reason);
        await dnsmasq.WaitForLogAsync($"DHCPACK(eth0) {lease.Address.Address}", TimeSpan.FromSeconds(5));
        await dnsmasq.WaitForLogAsync($"DHCPRELEASE(eth0) {lease.Address.Address}", TimeSpan.FromSeconds(5));
        await AssertNoProcessIn(client);
        Assert.Equal(foldersBefore, ClientFolders());
    }

    [PrivilegedTheory(Needs = "dnsmasq")]
    [MemberData(nameof(Clients))]
    public async Task A_running_client_configures_the_interface_keeps_running_and_releases_at_stop(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        var (_, client, dnsmasq) = await ServedLanAsync(lab, "10.78.2");

        var process = await DhcpClient.StartAsync(lab, kind, client);
        var lease = process.Lease!;

        AssertLeaseFromDnsmasq(lease, "10.78.2");
        var addresses = await Shell.InNamespaceAsync(client, TimeSpan.FromSeconds(5), "ip", "-4", "addr", "show", "dev", "eth0");
        Assert.Contains($"inet {lease.Address}", addresses.StandardOutput);
        var routes = await Shell.InNamespaceAsync(client, TimeSpan.FromSeconds(5), "ip", "-4", "route", "show", "default");
        Assert.Contains("default via 10.78.2.1 dev eth0", routes.StandardOutput);
        await Ping.AssertReachesAsync(client, "10.78.2.1");
        Assert.False(process.HasExited, $"{kind} should keep running to renew:\n{process.Output}");
        if (process is DhcpClientProcess program)
        {
            Assert.Contains(program.ProcessId.ToString(), (await Shell.RunAsync("ip", "netns", "pids", client)).StandardOutput);
            Assert.True(Directory.Exists(program.StateDirectory));
        }
        Assert.Contains($" {lease.Address.Address} ", Assert.Single(await dnsmasq.WaitForLeasesAsync(1, TimeSpan.FromSeconds(5))));

        await process.StopAsync();

        await dnsmasq.WaitForLogAsync($"DHCPRELEASE(eth0) {lease.Address.Address}", TimeSpan.FromSeconds(5));
        await dnsmasq.WaitForLeasesAsync(0, TimeSpan.FromSeconds(5));
        Assert.True(process.HasExited);
        Assert.Null(process.Lease);
        Assert.Contains("BOUND", process.Events);
        await AssertNoProcessIn(client);
        if (process is DhcpClientProcess stopped)
        {
            Assert.False(Directory.Exists(stopped.StateDirectory), "the client's folder must be removed");
        }
        addresses = await Shell.InNamespaceAsync(client, TimeSpan.FromSeconds(5), "ip", "-4", "addr", "show", "dev", "eth0");
        Assert.DoesNotContain("inet ", addresses.StandardOutput);
    }

    [PrivilegedTheory(Needs = "dnsmasq")]
    [MemberData(nameof(Clients))]
    public async Task Stopping_without_release_keeps_the_lease_on_the_server(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        var (_, client, dnsmasq) = await ServedLanAsync(lab, "10.78.3");

        var lease = await DhcpClient.GetLeaseAsync(kind, client, release: false);
        await Task.Delay(500); // a release, had one been sent, would be in the log and the lease file by now

        Assert.Contains($" {lease.Address.Address} ", Assert.Single(await dnsmasq.WaitForLeasesAsync(1, TimeSpan.FromSeconds(5))));
        await dnsmasq.WaitForLogAsync($"DHCPACK(eth0) {lease.Address.Address}", TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("DHCPRELEASE", dnsmasq.Log);
        await AssertNoProcessIn(client);
    }

    [PrivilegedTheory(Needs = "dnsmasq")]
    [InlineData(DhcpClientKind.Dhclient)]
    [InlineData(DhcpClientKind.Dhcpcd)]
    [InlineData(DhcpClientKind.Builtin)]
    public async Task A_running_client_renews_when_the_server_asks_for_it_early(DhcpClientKind kind)
    {
        // dnsmasq's shortest lease is 2 minutes; option 58 (T1) asks clients that honour it to renew after 3 s.
        // udhcpc ignores T1 and renews at half the lease, so it is not part of this test.
        await using var lab = new Lab();
        var (_, client, dnsmasq) = await ServedLanAsync(lab, "10.78.4", "--dhcp-option=option:T1,3");

        var process = await DhcpClient.StartAsync(lab, kind, client);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (process.Lease?.Reason != "RENEW" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(process.Lease?.Reason == "RENEW", $"no renewal within 15 s; events: {string.Join(' ', process.Events)}\n{process.Output}");
        Assert.Equal(["BOUND", "RENEW"], process.Events.Where(e => e is "BOUND" or "RENEW").Take(2));
        Assert.False(process.HasExited);
        await dnsmasq.WaitForLogAsync("DHCPACK(eth0)", TimeSpan.FromSeconds(5), times: 2);
    }

    [PrivilegedTheory]
    [MemberData(nameof(Clients))]
    public async Task Without_a_server_the_wait_ends_in_time_and_the_error_says_which_client(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        string quiet = lab.Host("srv"), client = lab.Host("cli");
        await Veth.LinkAsync(lab, quiet, client, "10.78.5.1/24");

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<TimeoutException>(() => DhcpClient.GetLeaseAsync(kind, client, timeout: TimeSpan.FromSeconds(2)));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.Contains($"{DhcpClients.Name(kind)} in '{client}' on eth0 got no lease within 2 s", error.Message);
        await AssertNoProcessIn(client);
    }

    [PrivilegedFact]
    public async Task A_client_that_cannot_start_says_so_at_once_with_its_error()
    {
        await using var lab = new Lab();
        string missing = lab.Host("none"); // never created

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<TimeoutException>(() => DhcpClient.GetLeaseAsync(DhcpClientKind.Udhcpc, missing, timeout: TimeSpan.FromSeconds(20)));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "a client that ended must not be waited for");
        Assert.Contains($"udhcpc in '{missing}' on eth0 ended (exit code ", error.Message);
        Assert.Contains($"Cannot open network namespace \"{missing}\"", error.Message);
    }

    [PrivilegedFact]
    public async Task The_builtin_client_refuses_a_namespace_that_does_not_exist()
    {
        await using var lab = new Lab();
        string missing = lab.Host("none"); // never created

        var error = Assert.Throws<InvalidOperationException>(() => HostDhcpClient.Start(DhcpClientKind.Builtin, missing, "eth0"));

        Assert.Contains($"there is no network namespace '{missing}'", error.Message);
    }

    private static string[] ClientFolders() =>
        Directory.GetDirectories(Path.GetTempPath(), "nfv-*").Where(d => Path.GetFileName(d) is var n
            && (n.StartsWith("nfv-dhclient-") || n.StartsWith("nfv-udhcpc-") || n.StartsWith("nfv-dhcpcd-"))).Order().ToArray();
}

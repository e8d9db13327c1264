using System.Text.Json;
using Nfv.Ip.Headers;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// nfv's DHCP server against the real clients (dhclient, udhcpc, dhcpcd). Each client sits in a namespace of the
/// test's own on a veth whose other end is bridged, in a "wire" namespace, with the TAP nfv serves on: unplugging
/// nfv (kill -9 takes its TAP with it) leaves the clients' interfaces up, as a real switch port going down would.
/// </summary>
public class DhcpServerTests
{
    public static TheoryData<DhcpClientKind> Clients => [DhcpClientKind.Dhclient, DhcpClientKind.Udhcpc, DhcpClientKind.Dhcpcd];

    private const string ReservedMac = "02:00:00:00:77:01";

    private static string Topology(Lab lab, string lease) => lab.WriteTopology("dhcp.yaml", $$"""
        name: {{lab.Prefix}}-dhcp
        functions:
          dhcp:
            kind: dhcp
            address: 10.76.0.2/24
            pool: 10.76.0.100-10.76.0.149
            router: 10.76.0.1
            dns: [10.76.0.53, 10.76.0.54]
            domain: lab.test
            lease: {{lease}}
            reservations:
              - { mac: "{{ReservedMac}}", address: 10.76.0.7 }
        ports:
          p: { tap: {{lab.Tap("srv")}} }
        links: [ [p, dhcp] ]
        """);

    /// <summary>A wire namespace with a bridge, and each client namespace on a veth into it.</summary>
    private static async Task<string> WireAsync(Lab lab, params string[] clients)
    {
        string wire = lab.Host("wire");
        await Shell.RunAsync("ip", "netns", "add", wire);
        await Ip.RunAsync("-n", wire, "link", "add", "br0", "type", "bridge");
        await Ip.RunAsync("-n", wire, "link", "set", "br0", "up");
        for (int i = 0; i < clients.Length; i++)
        {
            await Ip.RunAsync("netns", "add", clients[i]);
            string outside = $"{lab.Prefix}v{i}";
            await Ip.RunAsync("link", "add", outside, "type", "veth", "peer", "name", $"{outside}c");
            await Ip.RunAsync("link", "set", $"{outside}c", "netns", clients[i]);
            await Ip.RunAsync("-n", clients[i], "link", "set", $"{outside}c", "name", "eth0");
            await Ip.RunAsync("-n", clients[i], "link", "set", "eth0", "up");
            await Ip.RunAsync("link", "set", outside, "netns", wire);
            await Ip.RunAsync("-n", wire, "link", "set", outside, "master", "br0", "up");
        }
        return wire;
    }

    /// <summary>Plugs nfv's TAP (created in the root namespace) into the wire's bridge.</summary>
    private static async Task PlugAsync(Lab lab, string wire)
    {
        string tap = lab.Tap("srv");
        await Ip.RunAsync("link", "set", tap, "netns", wire);
        await Ip.RunAsync("-n", wire, "link", "set", tap, "master", "br0", "up");
    }

    private static async Task<NfvProcess> StartServerAsync(Lab lab, string path, string wire)
    {
        var nfv = await lab.RunAsync(path);
        await PlugAsync(lab, wire);
        return nfv;
    }

    /// <summary>The rows of table <c>leases</c>: function, address, state, mac, client, hostname, seconds left.</summary>
    private static Task<List<JsonElement>> LeasesAsync(NfvProcess nfv) => nfv.TableRowsAsync("leases");

    [PrivilegedTheory]
    [MemberData(nameof(Clients))]
    public async Task Each_real_client_gets_a_pool_address_with_mask_router_dns_and_domain(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        string client = lab.Host("c");
        string wire = await WireAsync(lab, client);
        var nfv = await StartServerAsync(lab, Topology(lab, "1h"), wire);

        var lease = await DhcpClient.GetLeaseAsync(kind, client, release: false);

        Assert.InRange(lease.Address.Address.Value & 0xFF, 100u, 149u);
        Assert.Equal(Ipv4Prefix.Parse($"{lease.Address.Address}/24"), lease.Address);
        Assert.Equal(Ipv4Address.Parse("10.76.0.1"), lease.Router);
        Assert.Equal([Ipv4Address.Parse("10.76.0.53"), Ipv4Address.Parse("10.76.0.54")], lease.DnsServers);
        Assert.Equal("lab.test", lease.Domain);
        Assert.Equal(TimeSpan.FromHours(1), lease.LeaseTime);
        Assert.Equal(Ipv4Address.Parse("10.76.0.2"), lease.ServerId);
        var row = Assert.Single(await LeasesAsync(nfv));
        Assert.Equal((lease.Address.Address.ToString(), "bound"), (row[1].GetString(), row[2].GetString()));
    }

    [PrivilegedFact]
    public async Task A_reservation_is_honoured_and_the_server_answers_ping()
    {
        await using var lab = new Lab();
        string client = lab.Host("c");
        string wire = await WireAsync(lab, client);
        await Ip.RunAsync("-n", client, "link", "set", "eth0", "address", ReservedMac);
        await StartServerAsync(lab, Topology(lab, "1h"), wire);

        var process = await DhcpClient.StartAsync(lab, DhcpClientKind.Udhcpc, client);

        Assert.Equal(Ipv4Address.Parse("10.76.0.7"), process.Lease!.Address.Address);
        await Ping.AssertReachesAsync(client, "10.76.0.2");
    }

    // busybox udhcpc stretches leases under 122 s to 122 s, so it renews too late for a test; the other two do not.
    [PrivilegedTheory]
    [InlineData(DhcpClientKind.Dhclient)]
    [InlineData(DhcpClientKind.Dhcpcd)]
    public async Task A_client_renews_a_short_lease_with_the_server(DhcpClientKind kind)
    {
        await using var lab = new Lab();
        string client = lab.Host("c");
        string wire = await WireAsync(lab, client);
        var nfv = await StartServerAsync(lab, Topology(lab, "10s"), wire);
        var process = await DhcpClient.StartAsync(lab, kind, client);
        var address = process.Lease!.Address.Address.ToString();

        // T1 is 5 s: within 12 s the client has renewed (unicast REQUEST) at least once and the lease is still bound.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(12);
        while (!process.Events.Any(e => e.Equals("RENEW", StringComparison.OrdinalIgnoreCase)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(process.Events.Any(e => e.Equals("RENEW", StringComparison.OrdinalIgnoreCase)),
            $"no renewal: {string.Join(' ', process.Events)}\n{process.Output}");
        Assert.Equal(address, process.Lease!.Address.Address.ToString());
        var row = Assert.Single(await LeasesAsync(nfv));
        Assert.Equal((address, "bound"), (row[1].GetString(), row[2].GetString()));
    }

    [PrivilegedFact]
    public async Task After_kill_9_the_restarted_server_has_every_lease_re_acks_renewals_and_gives_no_address_twice()
    {
        await using var lab = new Lab();
        string renewing = lab.Host("r"), quiet = lab.Host("q"), late = lab.Host("l");
        string wire = await WireAsync(lab, renewing, quiet, late);
        string path = Topology(lab, "20s");
        var nfv = await StartServerAsync(lab, path, wire);
        var process = await DhcpClient.StartAsync(lab, DhcpClientKind.Dhclient, renewing);
        var kept = await DhcpClient.GetLeaseAsync(DhcpClientKind.Udhcpc, quiet, release: false);
        string renewingAddress = process.Lease!.Address.Address.ToString();

        nfv.Kill();
        var restarted = await StartServerAsync(lab, path, wire);

        // Both leases were on disk before their ACKs left, so both are back.
        var rows = await LeasesAsync(restarted);
        Assert.Contains(rows, r => r[1].GetString() == renewingAddress && r[2].GetString() == "bound");
        Assert.Contains(rows, r => r[1].GetString() == kept.Address.Address.ToString() && r[2].GetString() == "bound");
        // dhclient renews at T1 (10 s) by unicast to the server; the restarted server ACKs its address.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int acks = 0;
        while (acks == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            acks = await AcksAsync(restarted);
        }
        Assert.True(acks > 0, $"no renewal reached the restarted server:\n{process.Output}");
        Assert.Equal(renewingAddress, process.Lease!.Address.Address.ToString());
        // A newcomer gets neither of the two addresses.
        var newcomer = await DhcpClient.GetLeaseAsync(DhcpClientKind.Dhcpcd, late);
        Assert.DoesNotContain(newcomer.Address.Address.ToString(), new[] { renewingAddress, kept.Address.Address.ToString() });
    }

    private static async Task<int> AcksAsync(NfvProcess nfv)
    {
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        string metrics = await http.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"nfv_function_events_total\{function=""dhcp"",event=""acks""\} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}

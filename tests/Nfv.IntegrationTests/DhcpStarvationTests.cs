using Nfv.Functions.Dhcp.Tests;
using Nfv.Topology;
using static Nfv.IntegrationTests.FloodTests;

namespace Nfv.IntegrationTests;

/// <summary>
/// DHCP starvation from one port of a lab: the attacker takes a bounded share of the pool, says so in the drop counters,
/// and a host on another port still gets a lease afterwards (from nfv's built-in client).
/// </summary>
public class DhcpStarvationTests
{
    private static string Topology(Lab lab, string attacker, string victim) => lab.WriteTopology("starve.yaml", $$"""
        name: dhcp-starve
        functions:
          lan:
            kind: switch
            ports: { px: { vlan: 1, max-macs: 4 }, pv: { vlan: 1 } }
          dhcp: { kind: dhcp, address: 10.89.0.2/24, pool: 10.89.0.100-10.89.0.149, lease: 10m }
        ports:
          x: { tap: {{lab.Tap("x")}} }
          v: { tap: {{lab.Tap("v")}} }
        links: [ [x, lan.px], [v, lan.pv], [dhcp, lan] ]
        hosts:
          {{attacker}}: { port: x, address: 10.89.0.66/24 }
          {{victim}}: { port: v, address: 10.89.0.77/24 }
        """);

    private static async Task AssertVictimGetsAPoolAddressAsync(string victim)
    {
        var lease = await DhcpClient.GetLeaseAsync(DhcpClientKind.Builtin, victim);
        Assert.Equal("10.89.0.0/24", lease.Address.Network.ToString());
    }

    [PrivilegedTheory(Needs = "perfdhcp")]
    [InlineData("broadcast", new[] { "-l", "eth0" })]
    [InlineData("relay", new[] { "-l", "10.89.0.66", "10.89.0.2" })]
    public async Task Perfdhcp_posing_as_a_thousand_clients_gets_a_few_addresses_at_most_and_another_host_still_gets_one(string mode, string[] target)
    {
        await using var lab = new Lab();
        string attacker = lab.Host("x"), victim = lab.Host("v");
        using var nfv = await lab.RunAsync(Topology(lab, attacker, victim));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };

        // 1,000 simulated clients (random chaddrs, one NIC), 200 new exchanges a second for 4 s.
        var run = await Shell.InNamespaceAsync(attacker, TimeSpan.FromSeconds(30),
            ["perfdhcp", "-4", "-r", "200", "-R", "1000", "-p", "4", .. target]);
        Assert.True(run.StandardOutput.Contains("sent packets", StringComparison.Ordinal), $"{mode}: {run}");

        var (leases, _) = await TableAsync(http, "dhcp", "leases");
        Assert.InRange(leases, 0, 8);
        long refused = await DropsAsync(http, "dhcp", "mac_mismatch") + await DropsAsync(http, "dhcp", "source_limit");
        Assert.True(refused > 500, $"{mode}: only {refused} of perfdhcp's messages were refused");
        await AssertVictimGetsAPoolAddressAsync(victim);
    }

    [PrivilegedFact]
    public async Task A_host_varying_its_mac_with_every_discover_is_held_by_the_switch_port_to_four_addresses()
    {
        await using var lab = new Lab();
        string attacker = lab.Host("x"), victim = lab.Host("v");
        using var nfv = await lab.RunAsync(Topology(lab, attacker, victim));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };

        // 2,000 DISCOVERs, each from a new MAC that is also its chaddr (so the server's MAC check passes), 1,000 a second.
        var random = new Random(89);
        var discovers = Enumerable.Range(0, 2000).Select(i => DhcpFrames.Client(DhcpFrames.Discover, RandomMac(random), (uint)i)).ToArray();
        int sent = RawFrames.Send(attacker, discovers, perSecond: 1000, limit: TimeSpan.FromSeconds(10));
        Assert.True(sent > 1500, $"only {sent} DISCOVERs went out");

        var (offered, _) = await TableAsync(http, "dhcp", "leases");
        Assert.InRange(offered, 1, 4);
        Assert.True(await DropsAsync(http, "lan", "port_mac_limit") >= sent - 4, "frames from the port's fifth MAC on are dropped and counted");
        await AssertVictimGetsAPoolAddressAsync(victim);
    }
}

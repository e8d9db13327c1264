using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>The switch function between real Linux hosts: ping, VLANs, trunks, iperf3.</summary>
public class SwitchLabTests
{
    [PrivilegedFact]
    public async Task Three_hosts_on_one_switch_ping_each_other()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), h3 = lab.Host("h3");
        var path = lab.WriteTopology("three.yaml", $$"""
            name: three-hosts
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
              p3: { tap: {{lab.Tap("t3")}} }
            links:
              - [p1, lan]
              - [p2, lan]
              - [p3, lan]
            hosts:
              {{h1}}: { port: p1, address: 10.77.0.1/24 }
              {{h2}}: { port: p2, address: 10.77.0.2/24 }
              {{h3}}: { port: p3, address: 10.77.0.3/24 }
            """);
        using var nfv = await lab.RunAsync(path);

        await Ping.AssertReachesAsync(h1, "10.77.0.2");
        await Ping.AssertReachesAsync(h1, "10.77.0.3");
        await Ping.AssertReachesAsync(h2, "10.77.0.3");
        await Ping.AssertReachesAsync(h3, "10.77.0.1");
    }

    [PrivilegedFact]
    public async Task Hosts_in_different_vlans_of_one_switch_cannot_reach_each_other()
    {
        await using var lab = new Lab();
        string a1 = lab.Host("a1"), a2 = lab.Host("a2"), b1 = lab.Host("b1"), b2 = lab.Host("b2");
        var path = lab.WriteTopology("vlans.yaml", $$"""
            name: two-vlans
            functions:
              sw:
                kind: switch
                ports:
                  a1: { vlan: 10 }
                  a2: { vlan: 10 }
                  b1: { vlan: 20 }
                  b2: { vlan: 20 }
            ports:
              pa1: { tap: {{lab.Tap("a1")}} }
              pa2: { tap: {{lab.Tap("a2")}} }
              pb1: { tap: {{lab.Tap("b1")}} }
              pb2: { tap: {{lab.Tap("b2")}} }
            links:
              - [pa1, sw.a1]
              - [pa2, sw.a2]
              - [pb1, sw.b1]
              - [pb2, sw.b2]
            hosts:
              {{a1}}: { port: pa1, address: 10.77.1.1/24 }
              {{a2}}: { port: pa2, address: 10.77.1.2/24 }
              {{b1}}: { port: pb1, address: 10.77.1.3/24 }
              {{b2}}: { port: pb2, address: 10.77.1.4/24 }
            """);
        using var nfv = await lab.RunAsync(path);

        await Ping.AssertReachesAsync(a1, "10.77.1.2");
        await Ping.AssertReachesAsync(b1, "10.77.1.4");
        await Ping.AssertCannotReachAsync(a1, "10.77.1.3");
        await Ping.AssertCannotReachAsync(b2, "10.77.1.2");
    }

    [PrivilegedFact]
    public async Task Two_switches_joined_by_a_trunk_carry_two_vlans_apart()
    {
        await using var lab = new Lab();
        string red1 = lab.Host("r1"), blue1 = lab.Host("b1"), red2 = lab.Host("r2"), blue2 = lab.Host("b2");
        var path = lab.WriteTopology("trunk.yaml", $$"""
            name: trunk
            functions:
              east:
                kind: switch
                ports:
                  red: { vlan: 10 }
                  blue: { vlan: 20 }
                  up: { trunk: [10, 20] }
              west:
                kind: switch
                ports:
                  red: { vlan: 10 }
                  blue: { vlan: 20 }
                  up: { trunk: [10, 20] }
            ports:
              er: { tap: {{lab.Tap("er")}} }
              eb: { tap: {{lab.Tap("eb")}} }
              wr: { tap: {{lab.Tap("wr")}} }
              wb: { tap: {{lab.Tap("wb")}} }
            links:
              - [east.up, west.up]
              - [er, east.red]
              - [eb, east.blue]
              - [wr, west.red]
              - [wb, west.blue]
            hosts:
              {{red1}}: { port: er, address: 10.77.2.1/24 }
              {{blue1}}: { port: eb, address: 10.77.2.2/24 }
              {{red2}}: { port: wr, address: 10.77.2.3/24 }
              {{blue2}}: { port: wb, address: 10.77.2.4/24 }
            """);
        using var nfv = await lab.RunAsync(path);

        await Ping.AssertReachesAsync(red1, "10.77.2.3");
        await Ping.AssertReachesAsync(blue1, "10.77.2.4");
        await Ping.AssertCannotReachAsync(red1, "10.77.2.4");
        await Ping.AssertCannotReachAsync(blue2, "10.77.2.3");
    }

    [PrivilegedFact]
    public async Task An_iperf3_tcp_run_through_the_switch_completes()
    {
        await using var lab = new Lab();
        var (path, client, server) = TwoHosts(lab);
        using var nfv = await lab.RunAsync(path);

        var (bytes, bitsPerSecond) = await Iperf3.TcpAsync(client, server, "10.77.3.2");

        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the switch in 3 s");
        Assert.True(bitsPerSecond > 100e6, $"only {bitsPerSecond / 1e6:F0} Mbit/s");
    }

    // Two hosts on one switch, 10.77.3.1 and .2; returns the topology's path and the hosts' names.
    private static (string Path, string Client, string Server) TwoHosts(Lab lab)
    {
        string client = lab.Host("c"), server = lab.Host("s");
        var path = lab.WriteTopology("iperf.yaml", $$"""
            name: iperf
            functions:
              lan: { kind: switch }
            ports:
              pc: { tap: {{lab.Tap("c")}} }
              ps: { tap: {{lab.Tap("s")}} }
            links: [ [pc, lan], [ps, lan] ]
            hosts:
              {{client}}: { port: pc, address: 10.77.3.1/24 }
              {{server}}: { port: ps, address: 10.77.3.2/24 }
            """);
        return (path, client, server);
    }

    /// <summary>
    /// Issue 17: with two workers and a TAP queue per worker the switch runs an instance on each. The kernel keeps each
    /// of 16 flows on one queue, both ways, so each instance learns both hosts from the flows it carries, and between them
    /// they carry all of it.
    /// </summary>
    [PrivilegedFact(Needs = "iperf3")]
    public async Task With_a_tap_queue_per_worker_the_switch_runs_an_instance_on_each_and_both_carry_flows()
    {
        await using var lab = new Lab();
        var (path, client, server) = TwoHosts(lab);
        using var nfv = await lab.RunAsync(path, "--Nfv:Workers=2", "--Nfv:MultiQueueTaps=true");
        Assert.DoesNotContain("runs as one instance", nfv.StandardOutput + nfv.StandardError);
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        var lan = (await http.GetJsonAsync("/api/functions")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "lan");
        Assert.Equal(2, lan.GetProperty("instances").GetInt32());

        var (bytes, _) = await Iperf3.TcpAsync(client, server, "10.77.3.2", flows: 16);
        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the switch in 3 s");
        // Both hosts learned by each instance (the odds that 16 flows all hash to one queue are 1 in 32,768)...
        var rows = await nfv.TableRowsAsync("mac", eachInstance: true);
        var learned = rows.GroupBy(r => r[0].GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["lan@0"] = 2, ["lan@1"] = 2 }, learned);
        // ...and shown once each, under the switch's name, as a switch run once shows them; its entries are what both hold.
        var shown = await nfv.TableRowsAsync("mac");
        Assert.Equal(["lan", "lan"], shown.Select(r => r[0].GetString()));
        Assert.Equal(2, shown.Select(r => r[2].GetString()).Distinct().Count());
        var (entries, capacity) = await FloodTests.TableAsync(http, "lan", "mac");
        Assert.Equal(4, entries);
        Assert.Equal(8192, capacity); // the default mac-table-size, which the instances hold together: not twice it
        await Ping.AssertReachesAsync(client, "10.77.3.2");
        // The switch's counter sums its instances': every frame the two ports read (on either queue), each once.
        await Eventually.UntilAsync(async () =>
        {
            long received = (await http.GetJsonAsync("/api/ports")).EnumerateArray().Sum(p => p.GetProperty("traffic").GetProperty("received_packets").GetInt64());
            var counters = (await http.GetJsonAsync("/api/functions")).EnumerateArray().Single(f => f.GetProperty("name").GetString() == "lan");
            return received > 0 && counters.GetProperty("processed_packets").GetInt64() == received;
        }, "the switch to have processed every frame the ports read", TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Issue 17: the shipped home router with the default settings on a machine of four cores (as .NET is told, whatever
    /// the machine has): two workers, a TAP queue each. The LAN switch, the router and the NAT run an instance per worker beside the DHCP
    /// server, which runs once: its frames reach only the switch instance on its own worker, and the instances share the
    /// addresses they learn, so frames to it read by either worker are forwarded to it alone, not flooded to the hosts.
    /// </summary>
    [PrivilegedFact(Needs = "python3")]
    public async Task By_default_on_four_cores_the_home_router_s_lan_switch_runs_an_instance_per_worker_beside_its_dhcp_server()
    {
        await using var lab = new Lab();
        var (path, h1, h2, _) = lab.ShippedHomeRouter();
        var fourCores = new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "4" };
        using var nfv = lab.StartNfv(fourCores, "run", path); // appsettings.json's default: one worker per two cores
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("2 dataplane workers", nfv.StandardOutput);
        Assert.DoesNotContain("runs as one instance", nfv.StandardOutput + nfv.StandardError);
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        var instances = (await http.GetJsonAsync("/api/functions")).EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("instances").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["lan"] = 2, ["gw"] = 2, ["masq"] = 2, ["dhcp"] = 1 }, instances);
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        await Ping.AssertReachesAsync(h2, "192.168.10.2"); // the DHCP server answers echo requests
        await Ping.AssertReachesAsync(h1, "192.168.10.2");
        long flooded = await FloodTests.EventAsync(http, "lan", "flooded");

        // 32 datagrams to the server from 32 source ports, which the kernel spreads over both queues (all on one: 1 in 2^31).
        var sent = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(10), "python3", "-c",
            "import socket\nfor port in range(41000, 41032):\n s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n s.bind(('', port))\n s.sendto(b'x', ('192.168.10.2', 9))");
        Assert.True(sent.ExitCode == 0, sent.ToString());

        await Eventually.UntilAsync(async () => await FloodTests.DropsAsync(http, "dhcp", "unserved") >= 32,
            "the DHCP server to have had the 32 datagrams", TimeSpan.FromSeconds(10));
        long floodedSince = await FloodTests.EventAsync(http, "lan", "flooded") - flooded;
        Assert.True(floodedSince < 4, $"{floodedSince} frames flooded while h1 sent 32 to the DHCP server");
    }
}

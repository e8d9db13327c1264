using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>The router function between real Linux hosts: ping, traceroute, path MTU discovery, unreachables, iperf3.</summary>
public class RouterLabTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(40);

    // h1 — r1 — r2 — r3 — h2, routers linked directly; the r2–r3 link has MTU 1400.
    private static string ChainTopology(Lab lab, string h1, string h2) => $$"""
        name: chain
        functions:
          r1:
            kind: router
            interfaces:
              west: { address: 10.72.1.1/24 }
              east: { address: 10.72.12.1/24 }
            routes:
              - { prefix: 10.72.3.0/24, via: 10.72.12.2 }
              - { prefix: 10.72.23.0/24, via: 10.72.12.2 }
          r2:
            kind: router
            interfaces:
              west: { address: 10.72.12.2/24 }
              east: { address: 10.72.23.2/24, mtu: 1400 }
            routes:
              - { prefix: 10.72.1.0/24, via: 10.72.12.1 }
              - { prefix: 10.72.3.0/24, via: 10.72.23.3 }
          r3:
            kind: router
            interfaces:
              west: { address: 10.72.23.3/24, mtu: 1400 }
              east: { address: 10.72.3.1/24 }
            routes:
              - { prefix: default, via: 10.72.23.2 }
        ports:
          p1: { tap: {{lab.Tap("c1")}} }
          p2: { tap: {{lab.Tap("c2")}} }
        links:
          - [p1, r1.west]
          - [r1.east, r2.west]
          - [r2.east, r3.west]
          - [r3.east, p2]
        hosts:
          {{h1}}: { port: p1, address: 10.72.1.10/24, gateway: 10.72.1.1 }
          {{h2}}: { port: p2, address: 10.72.3.10/24, gateway: 10.72.3.1 }
        """;

    [PrivilegedFact]
    public async Task Hosts_on_two_subnets_ping_each_other_through_one_router()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), h3 = lab.Host("h3");
        var path = lab.WriteTopology("two-subnets.yaml", $$"""
            name: two-subnets
            functions:
              lan: { kind: switch }
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.71.1.1/24 }
                  wan: { address: 10.71.2.1/24 }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
              p3: { tap: {{lab.Tap("t3")}} }
            links:
              - [p1, lan]
              - [p2, lan]
              - [gw.lan, lan]
              - [gw.wan, p3]
            hosts:
              {{h1}}: { port: p1, address: 10.71.1.10/24, gateway: 10.71.1.1 }
              {{h2}}: { port: p2, address: 10.71.1.11/24, gateway: 10.71.1.1 }
              {{h3}}: { port: p3, address: 10.71.2.10/24, gateway: 10.71.2.1 }
            """);
        using var nfv = await lab.RunAsync(path);

        await Ping.AssertReachesAsync(h1, "10.71.2.10");
        await Ping.AssertReachesAsync(h3, "10.71.1.11");
        await Ping.AssertReachesAsync(h2, "10.71.1.10");
        // The router answers on both its addresses, from either side.
        await Ping.AssertReachesAsync(h1, "10.71.1.1");
        await Ping.AssertReachesAsync(h1, "10.71.2.1");
        await Ping.AssertReachesAsync(h3, "10.71.1.1");

        // nfv show: the router's routes and what its ARP learned.
        string management = (await nfv.ManagementUrlAsync()).Authority;
        var routes = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "routes", "--address", management], TimeSpan.FromSeconds(30));
        Assert.True(routes.ExitCode == 0, routes.ToString());
        Assert.Matches(@"gw\s+10\.71\.2\.0/24\s+connected\s+wan", routes.StandardOutput);
        var arp = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "arp", "--address", management], TimeSpan.FromSeconds(30));
        Assert.True(arp.ExitCode == 0, arp.ToString());
        Assert.Matches(@"gw\s+wan\s+10\.71\.2\.10\s+\S+\s+reachable", arp.StandardOutput);
    }

    /// <summary>
    /// Issue 17: with two workers and a TAP queue each, the switch and the router behind it both run an instance per
    /// worker. 16 flows from one subnet to the other cross; each router instance resolved the hosts of the flows its
    /// worker carries (the kernel steers an ARP answer to the queue its request was written on), and a frame never
    /// leaves its worker.
    /// </summary>
    [PrivilegedFact(Needs = "iperf3")]
    public async Task With_a_tap_queue_per_worker_a_switch_and_router_run_an_instance_on_each_and_both_route()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h3 = lab.Host("h3");
        var path = lab.WriteTopology("two-subnets.yaml", $$"""
            name: two-subnets
            functions:
              lan: { kind: switch }
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.71.1.1/24 }
                  wan: { address: 10.71.2.1/24 }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p3: { tap: {{lab.Tap("t3")}} }
            links:
              - [p1, lan]
              - [gw.lan, lan]
              - [gw.wan, p3]
            hosts:
              {{h1}}: { port: p1, address: 10.71.1.10/24, gateway: 10.71.1.1 }
              {{h3}}: { port: p3, address: 10.71.2.10/24, gateway: 10.71.2.1 }
            """);
        using var nfv = await lab.RunAsync(path, "--Nfv:Workers=2", "--Nfv:MultiQueueTaps=true");
        Assert.DoesNotContain("runs as one instance", nfv.StandardOutput + nfv.StandardError);
        await Ping.AssertReachesAsync(h1, "10.71.2.10");

        var (bytes, _) = await Iperf3.TcpAsync(h1, h3, "10.71.2.10", flows: 16);
        Assert.True(bytes > 10_000_000, $"only {bytes} bytes were routed in 3 s");

        // Both instances of the router forwarded flows, so each resolved the server (odds of all 16 flows on one queue:
        // 1 in 32,768).
        var arp = await nfv.TableRowsAsync("arp", eachInstance: true);
        var resolvers = arp.Where(r => r[2].GetString() == "10.71.2.10" && r[4].GetString() != "incomplete").Select(r => r[0].GetString()).Order();
        Assert.Equal(["gw@0", "gw@1"], resolvers);
        // Shown once, under the router's name, as a router run once shows it.
        Assert.Equal(["gw"], (await nfv.TableRowsAsync("arp")).Where(r => r[2].GetString() == "10.71.2.10").Select(r => r[0].GetString()));
        await Ping.AssertReachesAsync(h3, "10.71.1.10");
        // Its routes, the same in both instances, are listed once, under its own name.
        var routes = (await nfv.TableRowsAsync("routes")).Select(r => $"{r[0].GetString()} {r[1].GetString()} {r[2].GetString()}").ToList();
        Assert.Equal(routes.Distinct(), routes);
        Assert.All(routes, route => Assert.StartsWith("gw ", route, StringComparison.Ordinal));
        Assert.Contains("gw 10.71.1.0/24 connected", routes);
        Assert.Contains("gw 10.71.2.0/24 connected", routes);
    }

    [PrivilegedFact]
    public async Task Traceroute_through_three_routers_lists_each_hop()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("chain.yaml", ChainTopology(lab, h1, h2));
        using var nfv = await lab.RunAsync(path);
        await Ping.AssertReachesAsync(h1, "10.72.3.10");

        var trace = await Shell.InNamespaceAsync(h1, ToolTimeout, "traceroute", "-n", "-q1", "-w1", "-m5", "10.72.3.10");
        Assert.True(trace.ExitCode == 0, trace.ToString());
        var hops = trace.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => char.IsAsciiDigit(line[0]))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .ToArray();
        Assert.True(hops.SequenceEqual(["10.72.1.1", "10.72.12.2", "10.72.23.3", "10.72.3.10"]), trace.ToString());
    }

    [PrivilegedFact]
    public async Task Too_big_with_df_gets_frag_needed_and_tracepath_finds_the_path_mtu()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("chain.yaml", ChainTopology(lab, h1, h2));
        using var nfv = await lab.RunAsync(path);
        await Ping.AssertReachesAsync(h1, "10.72.3.10");

        var ping = await Shell.InNamespaceAsync(h1, ToolTimeout, "ping", "-c", "2", "-i", "0.3", "-W", "2", "-n", "-M", "do", "-s", "1472", "10.72.3.10");
        Assert.True(ping.ExitCode != 0, ping.ToString());
        Assert.Contains("From 10.72.12.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)", ping.Output);

        // Fragmentation where DF is clear: a 3000-byte ping crosses both MTUs and comes back.
        await Ping.AssertReachesAsync(h2, "10.72.1.10");
        var big = await Ping.RunAsync(h1, "10.72.3.10", 3, "-s", "3000");
        Assert.True(big.ExitCode == 0, big.ToString());

        // A new host route cache for the check: tracepath on h2 towards h1 crosses r2's 1400 link the other way.
        var tracepath = await Shell.InNamespaceAsync(h2, ToolTimeout, "tracepath", "-n", "10.72.1.10");
        Assert.Contains("pmtu 1400", tracepath.Output);
        Assert.Contains("reached", tracepath.Output);
    }

    [PrivilegedFact]
    public async Task Ping_to_an_unrouted_address_gets_destination_net_unreachable()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("chain.yaml", ChainTopology(lab, h1, h2));
        using var nfv = await lab.RunAsync(path);

        var ping = await Shell.InNamespaceAsync(h1, ToolTimeout, "ping", "-c", "1", "-W", "2", "-n", "10.73.0.1");
        Assert.True(ping.ExitCode != 0, ping.ToString());
        Assert.Contains("From 10.72.1.1 icmp_seq=1 Destination Net Unreachable", ping.Output);
    }

    [PrivilegedFact]
    public async Task A_bare_router_name_in_a_link_is_refused()
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("bare.yaml", $$"""
            name: bare
            functions:
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.74.1.1/24 }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
            links:
              - [p1, gw]
            """);
        var validate = lab.StartNfv("validate", path);
        Assert.NotEqual(0, await validate.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("NFV1203", validate.StandardOutput + validate.StandardError);
        Assert.Contains("'gw.lan'", validate.StandardOutput + validate.StandardError);
    }

    [PrivilegedFact]
    public async Task An_iperf3_tcp_run_crosses_three_routers_and_the_1400_mtu_link()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("chain.yaml", ChainTopology(lab, h1, h2));
        using var nfv = await lab.RunAsync(path);
        await Ping.AssertReachesAsync(h1, "10.72.3.10");

        // TSO super-frames (gso_size 1448) cross r1 whole; r2 answers them with fragmentation needed (mtu 1400,
        // judged per segment), h1's TCP lowers its MSS, and the transfer goes on.
        var (bytes, _) = await Iperf3.TcpAsync(h1, h2, "10.72.3.10");

        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the routers in 3 s");
    }
}

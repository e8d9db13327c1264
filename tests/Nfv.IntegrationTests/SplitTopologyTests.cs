namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 12, proof 2: the home-router lab split over two nfv instances, each in a network namespace of its own joined by
/// a veth underlay. Node a runs the LAN switch, the DHCP server and the LAN hosts; node b the router, the NAT and the
/// internet host; the link from the switch to the router is a VXLAN tunnel both nodes derive from the one file.
/// </summary>
public class SplitTopologyTests
{
    private static string Topology(Lab lab, string h1, string h2, string internet) => $$"""
        name: split-home
        nodes:
          a: { address: 10.87.0.1 }
          b: { address: 10.87.0.2 }
        functions:
          lan: { kind: switch, node: a }
          dhcp:
            kind: dhcp
            node: a
            address: 192.168.77.2/24
            pool: 192.168.77.100-192.168.77.150
            router: 192.168.77.1
          gw:
            kind: router
            node: b
            interfaces:
              lan: { address: 192.168.77.1/24 }
              wan: { address: 203.0.113.2/24, features: [masq] }
          masq: { kind: nat }
        ports:
          l1: { tap: {{lab.Tap("s1")}}, node: a }
          l2: { tap: {{lab.Tap("s2")}}, node: a }
          uplink: { tap: {{lab.Tap("s3")}}, node: b }
        links:
          - [l1, lan]
          - [l2, lan]
          - [dhcp, lan]
          - [gw.lan, lan]
          - [gw.wan, uplink]
        hosts:
          {{h1}}: { port: l1, address: dhcp, dhcp-client: builtin }
          {{h2}}: { port: l2, address: 192.168.77.11/24, gateway: 192.168.77.1 }
          {{internet}}: { port: uplink, address: 203.0.113.1/24 }
        """;

    [PrivilegedFact(Needs = "curl")]
    public async Task A_lan_host_on_one_node_gets_a_lease_and_reaches_the_internet_through_the_nat_on_the_other()
    {
        await using var lab = new Lab();
        string a = lab.Host("na"), b = lab.Host("nb");
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), internet = lab.Host("inet");
        // The underlay: one veth between the nodes' namespaces, with room for a full frame and the tunnel's 50 bytes.
        string endA = lab.Tap("ua"), endB = lab.Tap("ub");
        await Ip.RunAsync("netns", "add", a);
        await Ip.RunAsync("netns", "add", b);
        await Ip.RunAsync("link", "add", endA, "mtu", "1600", "type", "veth", "peer", "name", endB, "mtu", "1600");
        await Ip.RunAsync("link", "set", endA, "netns", a);
        await Ip.RunAsync("link", "set", endB, "netns", b);
        await Ip.RunAsync("-n", a, "addr", "add", "10.87.0.1/30", "dev", endA);
        await Ip.RunAsync("-n", b, "addr", "add", "10.87.0.2/30", "dev", endB);
        foreach (var (ns, end) in new[] { (a, endA), (b, endB) })
        {
            await Ip.RunAsync("-n", ns, "link", "set", end, "up");
            await Ip.RunAsync("-n", ns, "link", "set", "lo", "up");
        }
        string file = lab.WriteTopology("split.yaml", Topology(lab, h1, h2, internet));
        using var nodeB = await lab.RunInAsync(b, file, "--node", "b");
        using var nodeA = await lab.RunInAsync(a, file, "--node", "a");

        // h1's lease came from the DHCP server on its own node; its gateway is the router on the other.
        await Task.Delay(1000);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(nodeA.StandardOutput, $@"host {h1}: 192\.168\.77\.1\d\d/24 router 192\.168\.77\.1 "), nodeA.StandardOutput);
        Assert.Contains("port link-4-b: VXLAN vni 10000 to 10.87.0.2 port 4789", nodeA.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("port link-4-a: VXLAN vni 10000 to 10.87.0.1 port 4789", nodeB.StandardOutput, StringComparison.Ordinal);

        await Ping.AssertReachesAsync(h1, "192.168.77.1"); // across the tunnel to the router
        await Ping.AssertReachesAsync(h1, "203.0.113.1"); // and on through the NAT
        await Ping.AssertReachesAsync(h2, "203.0.113.1");
        string log = await WebServer.StartAsync(lab, internet, "203.0.113.1", 8000);
        var curl = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(20), "curl", "-s", "-S", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5", "http://203.0.113.1:8000/");
        Assert.True(curl.ExitCode == 0 && curl.StandardOutput == "200", curl.ToString());
        Assert.Contains(File.ReadAllLines(log), l => l.StartsWith("203.0.113.2 ", StringComparison.Ordinal)); // translated on node b
    }
}

using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 12, proof 1: an nfv switch with a <c>vxlan</c> port, and a Linux kernel <c>vxlan</c> device in another
/// namespace at the end of a veth underlay. A lab host behind nfv and the kernel's side ping each other, iperf3 TCP runs
/// across (the host's TSO super-frames segmented for the tunnel), and tshark decodes the underlay's datagrams as VXLAN
/// with the port's VNI.
/// </summary>
public class VxlanLabTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private const string Underlay = "10.84.0.1", RemoteUnderlay = "10.84.0.2";
    private const string Host = "10.85.0.1", Kernel = "10.85.0.2";
    private const int Vni = 4242;

    /// <summary>
    /// Namespace <paramref name="vtep"/> with the veth's far end (<see cref="RemoteUnderlay"/>) and a kernel vxlan device
    /// (VNI <see cref="Vni"/>, remote <see cref="Underlay"/>) addressed <see cref="Kernel"/>; the near end, here, gets
    /// <see cref="Underlay"/>. Returns the near end's name.
    /// </summary>
    private static async Task<string> KernelVtepAsync(Lab lab, string vtep)
    {
        string near = lab.Tap("u0"), far = lab.Tap("u1");
        await Ip.RunAsync("netns", "add", vtep);
        await Ip.RunAsync("link", "add", near, "type", "veth", "peer", "name", far);
        await Ip.RunAsync("link", "set", far, "netns", vtep);
        await Ip.RunAsync("addr", "add", $"{Underlay}/30", "dev", near);
        await Ip.RunAsync("link", "set", near, "up");
        await Ip.RunAsync("-n", vtep, "addr", "add", $"{RemoteUnderlay}/30", "dev", far);
        await Ip.RunAsync("-n", vtep, "link", "set", far, "up");
        // Over veth the kernel leaves an encapsulated packet's inner checksum partial (the peer is on this machine and
        // trusts it); nfv's socket gets the bytes, not the promise. Checksumming in software, as a NIC would on a wire.
        var offload = await Shell.InNamespaceAsync(vtep, ToolTimeout, "ethtool", "-K", far, "tx", "off");
        Assert.True(offload.ExitCode == 0, offload.ToString());
        await Ip.RunAsync("-n", vtep, "link", "set", "lo", "up");
        await Ip.RunAsync("-n", vtep, "link", "add", "vx0", "type", "vxlan", "id", $"{Vni}", "dstport", "4789", "remote", Underlay, "local", RemoteUnderlay, "dev", far);
        await Ip.RunAsync("-n", vtep, "addr", "add", $"{Kernel}/24", "dev", "vx0");
        await Ip.RunAsync("-n", vtep, "link", "set", "vx0", "up");
        return near;
    }

    private static string Topology(Lab lab, string host) => $$"""
        functions:
          sw: { kind: switch }
        ports:
          p1: { tap: {{lab.Tap("x1")}} }
          tunnel: { vxlan: { remote: {{RemoteUnderlay}}, local: {{Underlay}}, vni: {{Vni}} } }
        links:
          - [p1, sw]
          - [tunnel, sw]
        hosts:
          {{host}}: { port: p1, address: {{Host}}/24 }
        """;

    [PrivilegedFact(Needs = "iperf3 tshark ethtool")]
    public async Task A_host_behind_nfv_and_a_kernel_vxlan_device_ping_and_run_iperf3_over_the_tunnel()
    {
        await using var lab = new Lab();
        string host = lab.Host("h1"), vtep = lab.Host("vtep");
        string near = await KernelVtepAsync(lab, vtep);
        using var nfv = await lab.RunAsync(lab.WriteTopology("vxlan.yaml", Topology(lab, host)));

        // tshark on the underlay while the host pings: the datagrams are VXLAN with the port's VNI.
        var capture = Shell.RunAsync("tshark", ["-i", near, "-a", "duration:10", "-f", "udp port 4789", "-Y", "vxlan", "-T", "fields", "-e", "vxlan.vni", "-e", "ip.src"], ToolTimeout);
        await Task.Delay(4000); // tshark takes a few seconds to start capturing
        await Ping.AssertReachesAsync(host, Kernel);
        await Ping.AssertReachesAsync(vtep, Host);
        var decoded = await capture;
        var lines = decoded.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, decoded.ToString());
        Assert.All(lines, l => Assert.StartsWith($"{Vni}\t", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($"\t{Underlay}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith($"\t{RemoteUnderlay}", StringComparison.Ordinal));

        // iperf3 TCP from the host (its TAP hands nfv 64 KB super-frames, segmented for the tunnel) and back.
        var server = Shell.InNamespaceAsync(vtep, ToolTimeout, "iperf3", "-s", "-1", "-B", Kernel);
        await Task.Delay(500);
        var run = await Shell.InNamespaceAsync(host, ToolTimeout, "iperf3", "-c", Kernel, "-t", "3", "-J");
        await server;
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        double bits = json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
        Assert.True(bits > 50e6, $"only {bits / 1e6:F1} Mbit/s crossed the tunnel");
        var back = Shell.InNamespaceAsync(vtep, ToolTimeout, "iperf3", "-s", "-1", "-B", Kernel);
        await Task.Delay(500);
        var reverse = await Shell.InNamespaceAsync(host, ToolTimeout, "iperf3", "-c", Kernel, "-t", "2", "-R", "-J");
        await back;
        Assert.True(reverse.ExitCode == 0, reverse.ToString());
    }

    [PrivilegedFact(Needs = "tcpdump ethtool")]
    public async Task Three_endpoints_on_one_vni_broadcast_reaches_both_remotes_and_learned_unicast_only_its_own()
    {
        await using var lab = new Lab();
        string host = lab.Host("h1"), k1 = lab.Host("k1"), k2 = lab.Host("k2"), underlay = lab.Host("ul");
        // The underlay: a bridge in its own namespace, with nfv's end here (10.86.0.1) and each kernel VTEP's (.2, .3).
        await Ip.RunAsync("netns", "add", underlay);
        await Ip.RunAsync("-n", underlay, "link", "add", "br0", "type", "bridge");
        await Ip.RunAsync("-n", underlay, "link", "set", "br0", "up");
        string near = lab.Tap("m0");
        await Ip.RunAsync("link", "add", near, "type", "veth", "peer", "name", "up0", "netns", underlay);
        await Ip.RunAsync("addr", "add", "10.86.0.1/24", "dev", near);
        await Ip.RunAsync("link", "set", near, "up");
        await Ip.RunAsync("-n", underlay, "link", "set", "up0", "master", "br0", "up");
        string[] kernels = [k1, k2];
        for (int i = 0; i < 2; i++)
        {
            string ns = kernels[i], self = $"10.86.0.{i + 2}", other = $"10.86.0.{3 - i}";
            await Ip.RunAsync("netns", "add", ns);
            await Ip.RunAsync("-n", underlay, "link", "add", $"up{i + 1}", "type", "veth", "peer", "name", "eth1", "netns", ns);
            await Ip.RunAsync("-n", underlay, "link", "set", $"up{i + 1}", "master", "br0", "up");
            await Ip.RunAsync("-n", ns, "addr", "add", $"{self}/24", "dev", "eth1");
            await Ip.RunAsync("-n", ns, "link", "set", "eth1", "up");
            await Ip.RunAsync("-n", ns, "link", "set", "lo", "up");
            var offload = await Shell.InNamespaceAsync(ns, ToolTimeout, "ethtool", "-K", "eth1", "tx", "off");
            Assert.True(offload.ExitCode == 0, offload.ToString());
            // A full mesh, as VTEPs are: head-end replication to nfv and to the other kernel.
            await Ip.RunAsync("-n", ns, "link", "add", "vx0", "type", "vxlan", "id", $"{Vni}", "dstport", "4789", "local", self, "dev", "eth1");
            foreach (var remote in (string[])["10.86.0.1", other])
            {
                var fdb = await Shell.InNamespaceAsync(ns, ToolTimeout, "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", remote);
                Assert.True(fdb.ExitCode == 0, fdb.ToString());
            }
            await Ip.RunAsync("-n", ns, "addr", "add", $"10.85.0.{i + 2}/24", "dev", "vx0");
            await Ip.RunAsync("-n", ns, "link", "set", "vx0", "up");
        }
        using var nfv = await lab.RunAsync(lab.WriteTopology("vxlan3.yaml", $$"""
            functions:
              sw: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("x1")}} }
              tunnel: { vxlan: { remote: [10.86.0.2, 10.86.0.3], local: 10.86.0.1, vni: {{Vni}} } }
            links:
              - [p1, sw]
              - [tunnel, sw]
            hosts:
              {{host}}: { port: p1, address: {{Host}}/24 }
            """));

        // What k2 hears while h1 pings k1, then k2 itself.
        var heard = Shell.InNamespaceAsync(k2, ToolTimeout, "timeout", "12", "tcpdump", "-n", "-l", "-i", "vx0", "arp or icmp");
        await Task.Delay(2000);
        await Ping.AssertReachesAsync(host, "10.85.0.2"); // its ARP request is broadcast: both kernels get it
        await Ping.AssertReachesAsync(k1, Host);
        await Ping.AssertReachesAsync(host, "10.85.0.3");
        var k2Saw = (await heard).StandardOutput;
        Assert.Contains("Request who-has 10.85.0.2", k2Saw, StringComparison.Ordinal); // the broadcast reached k2
        Assert.DoesNotContain("10.85.0.1 > 10.85.0.2: ICMP", k2Saw, StringComparison.Ordinal); // unicast to k1 did not
        Assert.Contains("10.85.0.1 > 10.85.0.3: ICMP echo request", k2Saw, StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>
/// The NAT between real Linux hosts: two LAN hosts behind a router whose wan interface runs the NAT, an "ISP" router,
/// and an outside host behind it. curl, ping, traceroute, iperf3, a port forward with hairpinning, and the STUN
/// classifiers (stun-client against stund, coturn's turnutils_natdiscovery).
/// </summary>
public class NatLabTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(40);

    private const string Outside = "198.18.82.10";
    private const string Outside2 = "198.18.82.11";
    private const string External = "198.18.81.1";

    // h1, h2 — lan switch — gw (lan | wan, features: [masq]) — isp — out. The ISP routes 10.81/16 back to gw: an outside host
    // that tries the inside addresses through the NAT must reach nothing.
    private static string Topology(Lab lab, string h1, string h2, string outside, string natExtra = "") => $$"""
        name: nat-lab
        functions:
          lan: { kind: switch }
          gw:
            kind: router
            interfaces:
              lan: { address: 10.81.1.1/24 }
              wan: { address: {{External}}/24, features: [masq] }
            routes: [ { prefix: default, via: 198.18.81.2 } ]
          masq:
            kind: nat
            forwards: [ { protocol: tcp, port: 8080, to: "10.81.1.11:8000" } ]
            {{natExtra}}
          isp:
            kind: router
            interfaces:
              west: { address: 198.18.81.2/24 }
              east: { address: 198.18.82.1/24 }
            routes: [ { prefix: 10.81.0.0/16, via: {{External}} } ]
        ports:
          p1: { tap: {{lab.Tap("n1")}} }
          p2: { tap: {{lab.Tap("n2")}} }
          p3: { tap: {{lab.Tap("n3")}} }
        links:
          - [p1, lan]
          - [p2, lan]
          - [gw.lan, lan]
          - [gw.wan, isp.west]
          - [isp.east, p3]
        hosts:
          {{h1}}: { port: p1, address: 10.81.1.10/24, gateway: 10.81.1.1 }
          {{h2}}: { port: p2, address: 10.81.1.11/24, gateway: 10.81.1.1 }
          {{outside}}: { port: p3, address: {{Outside}}/24, gateway: 198.18.82.1 }
        """;

    private static Task<CommandResult> CurlAsync(string host, string url) =>
        Shell.InNamespaceAsync(host, ToolTimeout, "curl", "-s", "-S", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", url);

    [PrivilegedFact(Needs = "curl")]
    public async Task A_lan_host_fetches_a_page_the_outside_sees_the_external_address_ping_and_traceroute_work()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("nat.yaml", Topology(lab, h1, h2, outside)));
        await Ping.AssertReachesAsync(h1, Outside);

        string log = await WebServer.StartAsync(lab, outside, Outside, 8000);
        var curl = await CurlAsync(h1, $"http://{Outside}:8000/");
        Assert.True(curl.ExitCode == 0 && curl.StandardOutput == "200", curl.ToString());
        var requests = File.ReadAllLines(log).Where(l => l.Contains("\"GET / ", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, l => l.StartsWith(External + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, l => l.StartsWith("10.81.", StringComparison.Ordinal));

        // traceroute (UDP): the ISP's time exceeded and the outside host's port unreachable come back translated.
        var trace = await Shell.InNamespaceAsync(h1, ToolTimeout, "traceroute", "-n", "-q1", "-w1", "-m5", Outside);
        Assert.True(trace.ExitCode == 0, trace.ToString());
        var hops = trace.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => char.IsAsciiDigit(line[0]))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .ToArray();
        Assert.True(hops.SequenceEqual(["10.81.1.1", "198.18.81.2", Outside]), trace.ToString());
        // traceroute -I (echo requests): time exceeded quoting an echo request gets the identifier translated back.
        var icmpTrace = await Shell.InNamespaceAsync(h1, ToolTimeout, "traceroute", "-I", "-n", "-q1", "-w1", "-m5", Outside);
        Assert.True(icmpTrace.ExitCode == 0, icmpTrace.ToString());
        Assert.Matches(@"\n\s*2\s+198\.18\.81\.2\s", icmpTrace.StandardOutput);
        Assert.Matches(@"\n\s*3\s+198\.18\.82\.10\s", icmpTrace.StandardOutput);

        // The outside cannot reach inside addresses, even with a route to them; the router's own address answers.
        await Ping.AssertCannotReachAsync(outside, "10.81.1.10");
        await Ping.AssertReachesAsync(outside, External);

        // nfv show nat: the sessions, with the inside and external endpoints.
        string management = (await nfv.ManagementUrlAsync()).Authority;
        var show = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "nat", "--address", management], TimeSpan.FromSeconds(30));
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches(@"masq\s+tcp\s+10\.81\.1\.10:\d+\s+198\.18\.81\.1:\d+\s+198\.18\.82\.10:8000", show.StandardOutput);
        Assert.Matches(@"masq\s+tcp\s+10\.81\.1\.11:8000\s+198\.18\.81\.1:8080\s+\*\s+forward", show.StandardOutput);
    }

    [PrivilegedFact(Needs = "iperf3")]
    public async Task An_iperf3_tcp_run_crosses_the_nat()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("nat.yaml", Topology(lab, h1, h2, outside)));
        await Ping.AssertReachesAsync(h1, Outside);

        // TSO super-frames with partial checksums are translated whole; the server sees the external address.
        var serverRun = Shell.InNamespaceAsync(outside, TimeSpan.FromSeconds(30), "iperf3", "-s", "-1", "-B", Outside, "-J");
        await Task.Delay(500);
        var run = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(30), "iperf3", "-c", Outside, "-t", "3", "-J");
        var server = await serverRun;

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        long bytes = json.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bytes").GetInt64();
        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the NAT in 3 s");
        Assert.True(server.ExitCode == 0, server.ToString());
        using var serverJson = JsonDocument.Parse(server.StandardOutput);
        var connected = serverJson.RootElement.GetProperty("start").GetProperty("connected")[0];
        Assert.Equal(External, connected.GetProperty("remote_host").GetString());
    }

    /// <summary>
    /// Issue 17: with two workers and a TAP queue each, the switch, both routers and the NAT run an instance per worker.
    /// 16 flows cross the NAT, spread over both NAT instances, each translated keeping its port (an instance owns the
    /// mappings on its share of the ports, and the router hands it the packets of its flows); the port forward and the
    /// hairpin work as with one worker (below).
    /// </summary>
    [PrivilegedFact(Needs = "iperf3 curl")]
    public async Task With_a_tap_queue_per_worker_the_nat_runs_an_instance_on_each_and_flows_spread_over_them()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("nat.yaml", Topology(lab, h1, h2, outside)), "--Nfv:Workers=2", "--Nfv:MultiQueueTaps=true");
        Assert.DoesNotContain("runs as one instance", nfv.StandardOutput + nfv.StandardError);
        await Ping.AssertReachesAsync(h1, Outside);

        var (bytes, _) = await Iperf3.TcpAsync(h1, outside, Outside, flows: 16);
        Assert.True(bytes > 10_000_000, $"only {bytes} bytes crossed the NAT in 3 s");

        // 17 connections (iperf3's control one too), each a session of one instance, its port kept (odds of all on one
        // instance: 1 in 65,536).
        var sessions = (await nfv.TableRowsAsync("nat", eachInstance: true)).Where(r => r[4].GetString() == $"{Outside}:5201").ToList();
        Assert.Equal(17, sessions.Count);
        Assert.Equal(["masq@0", "masq@1"], sessions.Select(r => r[0].GetString()).Distinct().Order());
        // The NAT's own view: the same sessions under its name, as a NAT run once shows them.
        var shown = (await nfv.TableRowsAsync("nat")).Where(r => r[4].GetString() == $"{Outside}:5201").ToList();
        Assert.Equal(sessions.Select(r => r[3].GetString()).Order(), shown.Select(r => r[3].GetString()).Order());
        Assert.All(shown, r => Assert.Equal("masq", r[0].GetString()));
        Assert.All(sessions, r => Assert.Equal(r[2].GetString()!.Split(':')[1], r[3].GetString()!.Split(':')[1]));
        // A flow is handed to its owner only until the owner has answered it (the kernel then steers it there): a few
        // packets of each flow, of the tens of thousands forwarded.
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        long handed = await FloodTests.EventAsync(http, "gw", "handed_over"), forwarded = await FloodTests.EventAsync(http, "gw", "forwarded");
        Assert.True(handed < forwarded / 100, $"{handed} of the {forwarded} packets gw forwarded were handed to the other instance");

        await AssertForwardAndHairpinAsync(lab, h1, h2, outside);
    }

    [PrivilegedFact(Needs = "curl")]
    public async Task A_port_forward_reaches_an_inside_server_from_outside_and_by_hairpin_from_inside()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), outside = lab.Host("out");
        using var nfv = await lab.RunAsync(lab.WriteTopology("nat.yaml", Topology(lab, h1, h2, outside)));
        await AssertForwardAndHairpinAsync(lab, h1, h2, outside);
    }

    // h2 serves on 10.81.1.11:8000, forwarded from the external address's port 8080: the outside host and h1 (hairpinned)
    // fetch a page through the forward.
    private static async Task AssertForwardAndHairpinAsync(Lab lab, string h1, string h2, string outside)
    {
        await Ping.AssertReachesAsync(h2, Outside);
        string log = await WebServer.StartAsync(lab, h2, "10.81.1.11", 8000);

        var fromOutside = await CurlAsync(outside, $"http://{External}:8080/");
        Assert.True(fromOutside.ExitCode == 0 && fromOutside.StandardOutput == "200", fromOutside.ToString());
        var hairpin = await CurlAsync(h1, $"http://{External}:8080/");
        Assert.True(hairpin.ExitCode == 0 && hairpin.StandardOutput == "200", hairpin.ToString());

        // The server saw the outside host as itself, and the inside client as the external address (hairpinned).
        var requests = File.ReadAllLines(log).Where(l => l.Contains("\"GET / ", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, l => l.StartsWith(Outside + " ", StringComparison.Ordinal));
        Assert.Contains(requests, l => l.StartsWith(External + " ", StringComparison.Ordinal));
    }

    // A lab whose outside host has a second address (STUN and RFC 5780 servers need two), both reachable from h1
    // through the NAT configured with `natKeys`. The lab stops nfv at teardown.
    private static async Task<(string H1, string Outside)> TwoOutsideAddressesAsync(Lab lab, string natKeys = "", params string[] settings)
    {
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), outside = lab.Host("out");
        await lab.RunAsync(lab.WriteTopology("nat.yaml", Topology(lab, h1, h2, outside, natKeys)), settings);
        var add = await Shell.InNamespaceAsync(outside, ToolTimeout, "ip", "address", "add", $"{Outside2}/24", "dev", "eth0");
        Assert.True(add.ExitCode == 0, add.ToString());
        await Ping.AssertReachesAsync(h1, Outside);
        await Ping.AssertReachesAsync(h1, Outside2);
        return (h1, outside);
    }

    // stund (foreground, stopped by the lab) on both outside addresses, and `stun` run from h1 against it. Its exit
    // code is a bitmask of the verdict, not success (stun's exit code: 0x10 no hairpin, |0x01 port preserved, low nibble the NAT type): callers read the verdict line.
    private static async Task<CommandResult> StunAsync(Lab lab, string h1, string outside)
    {
        LabProcess.Start(lab, outside, "stund", "-v", "-h", Outside, "-a", Outside2);
        await Task.Delay(1000);
        return await Shell.InNamespaceAsync(h1, ToolTimeout, "stun", Outside, "-v");
    }

    // With two workers (a TAP queue each), every mapping of an inside endpoint is made by the instance owning its port,
    // so the mapping stays endpoint independent and the port kept.
    [PrivilegedTheory(Needs = "stund")]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Stun_from_inside_reports_endpoint_independent_mapping(int workers)
    {
        await using var lab = new Lab();
        var (h1, outside) = await TwoOutsideAddressesAsync(lab, "", $"--Nfv:Workers={workers}", $"--Nfv:MultiQueueTaps={workers > 1}");

        var stun = await StunAsync(lab, h1, outside);
        Assert.Contains("Primary: Independent Mapping", stun.Output);
        Assert.Contains("Port Dependent Filter", stun.Output);
        Assert.Contains("preserves ports", stun.Output);
    }

    [PrivilegedFact(Needs = "stund")]
    public async Task Stun_reports_dependent_mapping_when_the_nat_is_configured_symmetric()
    {
        await using var lab = new Lab();
        var (h1, outside) = await TwoOutsideAddressesAsync(lab, "mapping: address-and-port-dependent");

        var stun = await StunAsync(lab, h1, outside);
        Assert.Contains("Primary: Dependent Mapping", stun.Output);
    }

    [PrivilegedFact(Needs = "turnserver")]
    public async Task Coturn_nat_discovery_agrees_endpoint_independent_mapping_and_filtering_as_configured()
    {
        await using var lab = new Lab();
        var (h1, outside) = await TwoOutsideAddressesAsync(lab, "filtering: endpoint-independent");

        string dir = lab.Directory;
        LabProcess.Start(lab, outside, "turnserver", "-n", "--no-cli", "-S", "--no-tls", "--no-dtls",
            "-L", Outside, "-L", Outside2, "--listening-port", "3478", "--alt-listening-port", "3479",
            "--pidfile", Path.Combine(dir, "turn.pid"), "--db", Path.Combine(dir, "turndb"), "--log-file", "stdout", "--simple-log");
        await Task.Delay(1500);
        var discovery = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(60), "turnutils_natdiscovery", "-m", "-f", "-H", Outside);
        Assert.Contains("NAT with Endpoint Independent Mapping!", discovery.Output);
        Assert.Contains("NAT with Endpoint Independent Filtering!", discovery.Output);
    }

    [PrivilegedFact(Needs = "curl")]
    public async Task The_shipped_home_router_gives_dhcp_hosts_the_internet_through_the_nat()
    {
        await using var lab = new Lab();
        var (path, h1, _, internet) = lab.ShippedHomeRouter();
        using var nfv = lab.StartNfv("run", path, $"--Nfv:StateDirectory={Path.Combine(lab.Directory, "state")}");
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var line = await nfv.WaitForOutputAsync(
            new System.Text.RegularExpressions.Regex($@"host {h1}: (?<ip>192\.168\.10\.\d+)/24 router 192\.168\.10\.1 .*by DHCP"), TimeSpan.FromSeconds(30));
        string leased = line.Groups["ip"].Value;

        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        string log = await WebServer.StartAsync(lab, internet, "203.0.113.1", 8000);
        var curl = await CurlAsync(h1, "http://203.0.113.1:8000/");
        Assert.True(curl.ExitCode == 0 && curl.StandardOutput == "200", curl.ToString());
        var requests = File.ReadAllLines(log).Where(l => l.Contains("\"GET / ", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, l => l.StartsWith("203.0.113.2 ", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, l => l.StartsWith(leased + " ", StringComparison.Ordinal));
    }
}

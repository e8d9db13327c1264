using System.Text.Json;
using System.Text.RegularExpressions;
using Nfv.Abstractions.Headers;

namespace Nfv.IntegrationTests;

/// <summary>
/// Tables under attack from a lab host, with mausezahn (netsniff-ng) as the attacker: each table stays at its bound,
/// says so in its counters, and the flow that was already there keeps working.
/// </summary>
public class FloodTests
{
    internal static async Task<(long Entries, long Capacity)> TableAsync(HttpClient http, string function, string table)
    {
        var row = (await http.GetJsonAsync("/api/tables")).EnumerateArray()
            .First(t => t.GetProperty("function").GetString() == function && t.GetProperty("table").GetString() == table);
        return (row.GetProperty("entries").GetInt64(), row.GetProperty("capacity").GetInt64());
    }

    /// <summary>
    /// Asserts that <paramref name="function"/>'s <paramref name="table"/> is at its bound, shown as one table however
    /// many instances the function runs (a function run per worker holds its bound over all its instances).
    /// </summary>
    internal static async Task AssertAtBoundAsync(HttpClient http, string function, string table, int bound)
    {
        var tables = (await http.GetJsonAsync("/api/tables")).EnumerateArray()
            .Where(t => t.GetProperty("table").GetString() == table
                && t.GetProperty("function").GetString() is { } name && (name == function || name.StartsWith(function + "@", StringComparison.Ordinal)))
            .Select(t => (Function: t.GetProperty("function").GetString(), Entries: t.GetProperty("entries").GetInt64(), Capacity: t.GetProperty("capacity").GetInt64()));
        Assert.Equal((function, bound, bound), Assert.Single(tables));
    }

    internal static async Task<long> EventAsync(HttpClient http, string function, string name) =>
        (await FunctionAsync(http, function)).GetProperty("events").GetProperty(name).GetInt64();

    /// <summary>Packets <paramref name="function"/> dropped for <paramref name="reason"/> (snake case, as in the metrics).</summary>
    internal static async Task<long> DropsAsync(HttpClient http, string function, string reason) =>
        (await FunctionAsync(http, function)).GetProperty("drops").GetProperty(reason).GetInt64();

    private static async Task<JsonElement> FunctionAsync(HttpClient http, string function) =>
        (await http.GetJsonAsync("/api/functions")).EnumerateArray().First(f => f.GetProperty("name").GetString() == function);

    internal static double Loss(CommandResult ping)
    {
        var match = Regex.Match(ping.StandardOutput, @"(\d+(\.\d+)?)% packet loss");
        Assert.True(match.Success, ping.ToString());
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A ping of 100 echoes a second for about <paramref name="seconds"/> s, started now, bounded.</summary>
    internal static Task<CommandResult> SteadyPing(string from, string to, int seconds) =>
        Shell.InNamespaceAsync(from, TimeSpan.FromSeconds(seconds + 20), "ping", "-c", (seconds * 100).ToString(), "-i", "0.01", "-q", "-n", to);

    /// <remarks>
    /// With two workers (a TAP queue each) the switch runs an instance per worker, whose tables hold the bound together,
    /// and what they learn goes to the table they share (bounded too): the flood fills the switch's bound, the hosts' flow
    /// goes on.
    /// </remarks>
    [PrivilegedTheory(Needs = "mausezahn")]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_mac_flood_of_100k_sources_fills_the_table_to_its_bound_and_known_hosts_keep_talking(int workers)
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), attacker = lab.Host("x");
        var path = lab.WriteTopology("flood.yaml", $$"""
            name: mac-flood
            functions:
              lan: { kind: switch, mac-table-size: 4096 }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
              px: { tap: {{lab.Tap("tx")}} }
            links: [ [p1, lan], [p2, lan], [px, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.79.0.1/24 }
              {{h2}}: { port: p2, address: 10.79.0.2/24 }
              {{attacker}}: { port: px, address: 10.79.0.66/24 }
            """);
        using var nfv = await lab.RunAsync(path, $"--Nfv:Workers={workers}");
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(h1, "10.79.0.2");

        var steady = SteadyPing(h1, "10.79.0.2", 8);
        await Task.Delay(1000);
        // 100,000 broadcast frames, each from a random source MAC, at most 50,000 a second.
        var flood = await Shell.InNamespaceAsync(attacker, TimeSpan.FromSeconds(60),
            "mausezahn", "eth0", "-a", "rand", "-b", "bc", "-c", "100000", "-d", "20", "-t", "udp", "dp=9");
        Assert.True(flood.ExitCode == 0, flood.ToString());

        await AssertAtBoundAsync(http, "lan", "mac", bound: 4096);
        Assert.True(await EventAsync(http, "lan", "table_full") > 50_000, "sources the full table could not learn are counted");
        var ping = await steady;
        Assert.True(Loss(ping) < 1, $"the flow between {h1} and {h2} was disturbed: {ping.StandardOutput}");
        await Ping.AssertReachesAsync(h2, "10.79.0.1");
    }

    [PrivilegedFact(Needs = "mausezahn")]
    public async Task A_scan_of_a_whole_subnet_fills_the_routers_arp_cache_to_its_bound_and_routed_flows_keep_going()
    {
        await using var lab = new Lab();
        string a = lab.Host("a"), b = lab.Host("b");
        var path = lab.WriteTopology("scan.yaml", $$"""
            name: arp-scan
            functions:
              gw:
                kind: router
                arp-cache-size: 256
                interfaces:
                  a: { address: 10.80.0.1/24 }
                  b: { address: 10.81.0.1/16 }
            ports:
              pa: { tap: {{lab.Tap("ta")}} }
              pb: { tap: {{lab.Tap("tb")}} }
            links: [ [pa, gw.a], [pb, gw.b] ]
            hosts:
              {{a}}: { port: pa, address: 10.80.0.2/24, gateway: 10.80.0.1 }
              {{b}}: { port: pb, address: 10.81.0.2/16, gateway: 10.81.0.1 }
            """);
        using var nfv = await lab.RunAsync(path);
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(a, "10.81.0.2");

        var steady = SteadyPing(a, "10.81.0.2", 8);
        await Task.Delay(1000);
        // One UDP datagram to each of the 65,534 addresses of b's /16: the router must resolve each next hop.
        var scan = await Shell.InNamespaceAsync(a, TimeSpan.FromSeconds(60),
            "mausezahn", "eth0", "-A", "10.80.0.2", "-B", "10.81.0.0/16", "-b", await RouterMacAsync(a), "-d", "20", "-t", "udp", "dp=9");
        Assert.True(scan.ExitCode == 0, scan.ToString());

        var (entries, capacity) = await TableAsync(http, "gw", "arp");
        Assert.Equal(256, capacity);
        Assert.InRange(entries, 1, capacity);
        Assert.True(await EventAsync(http, "gw", "arp_table_full") > 0, "next hops the full cache could not hold are counted");
        var ping = await steady;
        Assert.True(Loss(ping) < 1, $"the routed flow between {a} and {b} was disturbed: {ping.StandardOutput}");
    }

    [PrivilegedFact(Needs = "hping3")]
    public async Task A_syn_flood_from_random_sources_on_a_forward_is_held_to_the_nats_rate_and_an_existing_flow_keeps_going()
    {
        await using var lab = new Lab();
        string inside = lab.Host("in"), outside = lab.Host("out");
        var path = lab.WriteTopology("syn.yaml", $$"""
            name: syn-flood
            functions:
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.83.0.1/24 }
                  wan: { address: 203.0.113.2/24, features: [masq] }
              masq:
                kind: nat
                max-sessions: 4096
                new-sessions-per-second: 500
                forwards: [ { protocol: tcp, port: 8080, to: "10.83.0.10:80" } ]
            ports:
              pl: { tap: {{lab.Tap("l")}} }
              pw: { tap: {{lab.Tap("w")}} }
            links: [ [pl, gw.lan], [pw, gw.wan] ]
            hosts:
              {{inside}}: { port: pl, address: 10.83.0.10/24, gateway: 10.83.0.1 }
              {{outside}}: { port: pw, address: 203.0.113.1/24 }
            """);
        using var nfv = await lab.RunAsync(path);
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(inside, "203.0.113.1");

        var steady = SteadyPing(inside, "203.0.113.1", 8);
        await Task.Delay(1000);
        // 30,000 SYNs to the forward, each from a random source address, 20,000 a second.
        var flood = await Shell.InNamespaceAsync(outside, TimeSpan.FromSeconds(30),
            "hping3", "-S", "-p", "8080", "--rand-source", "-c", "30000", "-i", "u50", "-q", "203.0.113.2");
        Assert.True(flood.ExitCode is 0 or 1, flood.ToString()); // hping3 exits 1 when no reply came back

        var (entries, capacity) = await TableAsync(http, "masq", "nat");
        Assert.Equal(4096, capacity);
        Assert.InRange(entries, 1, capacity);
        Assert.True(await EventAsync(http, "masq", "dropped_rate_limit") > 20_000, "new flows over the rate are counted");
        var ping = await steady;
        Assert.True(Loss(ping) < 1, $"the existing flow was disturbed: {ping.StandardOutput}");
    }

    [PrivilegedFact(Needs = "hping3")]
    public async Task A_udp_flood_on_a_forward_fills_the_nat_table_to_its_bound_a_lone_source_is_held_to_its_rate_and_a_flow_keeps_going()
    {
        await using var lab = new Lab();
        string inside = lab.Host("in"), outside = lab.Host("out");
        var path = lab.WriteTopology("udp.yaml", $$"""
            name: udp-flood
            functions:
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.84.0.1/24 }
                  wan: { address: 203.0.113.2/24, features: [masq] }
              masq:
                kind: nat
                max-sessions: 512
                new-sessions-per-second: 4000
                new-sessions-per-second-per-source: 100
                forwards: [ { protocol: udp, port: 5353, to: "10.84.0.10:53" } ]
            ports:
              pl: { tap: {{lab.Tap("l")}} }
              pw: { tap: {{lab.Tap("w")}} }
            links: [ [pl, gw.lan], [pw, gw.wan] ]
            hosts:
              {{inside}}: { port: pl, address: 10.84.0.10/24, gateway: 10.84.0.1 }
              {{outside}}: { port: pw, address: 203.0.113.1/24 }
            """);
        using var nfv = await lab.RunAsync(path);
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(inside, "203.0.113.1");

        var steady = SteadyPing(inside, "203.0.113.1", 8);
        await Task.Delay(1000);
        // One source, a new source port (so a new session) per datagram, 2,000 a second: held to its own 100 a second.
        var lone = await Shell.InNamespaceAsync(outside, TimeSpan.FromSeconds(30),
            "hping3", "--udp", "-p", "5353", "-c", "3000", "-i", "u500", "-q", "203.0.113.2");
        Assert.True(lone.ExitCode is 0 or 1, lone.ToString());
        long lonely = await EventAsync(http, "masq", "dropped_source_rate_limit");
        Assert.True(lonely > 2000, $"a lone source's new flows over its rate are counted: {lonely} of 3000");
        // Then 30,000 datagrams from random sources, 20,000 a second: the table fills to its bound and stays there
        // (the total rate is shown by the SYN flood above).
        var flood = await Shell.InNamespaceAsync(outside, TimeSpan.FromSeconds(30),
            "hping3", "--udp", "--rand-source", "-p", "5353", "-c", "30000", "-i", "u50", "-q", "203.0.113.2");
        Assert.True(flood.ExitCode is 0 or 1, flood.ToString());

        var (entries, capacity) = await TableAsync(http, "masq", "nat");
        Assert.Equal(512, capacity);
        Assert.Equal(capacity, entries);
        // The table filled within the total rate's burst; from then on every new flow is refused for the bound.
        long refused = await EventAsync(http, "masq", "dropped_session_limit");
        Assert.True(refused > 20_000, $"new flows beyond the table's bound are counted: {refused} of 30000");
        var ping = await steady;
        Assert.True(Loss(ping) < 1, $"the existing flow was disturbed: {ping.StandardOutput}");
    }

    /// <remarks>With two workers (a TAP queue each) the router runs an instance per worker, whose caches hold the bound together.</remarks>
    [PrivilegedTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task An_arp_flood_from_random_senders_fills_the_routers_cache_to_its_bound_and_routed_flows_keep_going(int workers)
    {
        await using var lab = new Lab();
        string a = lab.Host("a"), b = lab.Host("b");
        var path = lab.WriteTopology("arp.yaml", $$"""
            name: arp-flood
            functions:
              gw:
                kind: router
                arp-cache-size: 256
                interfaces:
                  a: { address: 10.87.0.1/24 }
                  b: { address: 10.88.0.1/16 }
            ports:
              pa: { tap: {{lab.Tap("ta")}} }
              pb: { tap: {{lab.Tap("tb")}} }
            links: [ [pa, gw.a], [pb, gw.b] ]
            hosts:
              {{a}}: { port: pa, address: 10.87.0.2/24, gateway: 10.87.0.1 }
              {{b}}: { port: pb, address: 10.88.0.2/16, gateway: 10.88.0.1 }
            """);
        using var nfv = await lab.RunAsync(path, $"--Nfv:Workers={workers}");
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(a, "10.88.0.2");

        var steady = SteadyPing(a, "10.88.0.2", 8);
        await Task.Delay(1000);
        // 20,000 broadcast requests for the router's address, each from a new sender (MAC and address in b's /16),
        // 10,000 a second: by RFC 826 the router learns every sender that asks for it.
        var random = new Random(87);
        var requests = Enumerable.Range(0, 20_000).Select(i => IpPackets.Arp(1, MacAddress.Broadcast, RandomMac(random),
            $"10.88.{1 + (i / 250)}.{1 + (i % 250)}", default, "10.88.0.1")).ToArray();
        int sent = RawFrames.Send(b, requests, perSecond: 10_000, limit: TimeSpan.FromSeconds(10));
        Assert.True(sent > 15_000, $"only {sent} requests went out");

        await AssertAtBoundAsync(http, "gw", "arp", bound: 256);
        long notLearned = await EventAsync(http, "gw", "arp_not_learned");
        Assert.True(notLearned > sent / 2, $"senders the full cache could not hold are counted: {notLearned} of {sent}");
        var ping = await steady;
        Assert.True(Loss(ping) < 1, $"the routed flow between {a} and {b} was disturbed: {ping.StandardOutput}");
    }

    /// <summary>A random locally administered unicast MAC.</summary>
    internal static MacAddress RandomMac(Random random) => new((ulong)random.NextInt64(1L << 40) | 0x0200_0000_0000UL);

    /// <summary>The router's MAC as <paramref name="host"/>'s neighbour table has it (after a ping through it).</summary>
    private static async Task<string> RouterMacAsync(string host)
    {
        var neigh = await Shell.InNamespaceAsync(host, TimeSpan.FromSeconds(5), "ip", "neigh", "show", "dev", "eth0");
        return Regex.Match(neigh.StandardOutput, @"lladdr ([0-9a-f:]{17})").Groups[1].Value;
    }
}

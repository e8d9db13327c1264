using System.Text.RegularExpressions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.IntegrationTests;

/// <summary>
/// The router's IPv6 between real Linux hosts: SLAAC from its advertisements, ping, traceroute and tracepath across three
/// routers with a 1280-byte link (packet too big seen in a capture), and its neighbour cache under a solicitation flood.
/// </summary>
public class Ipv6LabTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);
    private static readonly MacAddress R1Lan = MacAddress.Parse("02:00:00:00:76:01");
    private static readonly MacAddress R2Lan = MacAddress.Parse("02:00:00:00:76:02");

    // h1 (SLAAC) — r1 — r2 (h3 on its lan, SLAAC) — r3 — h2 (static); the r2–r3 link carries 1280 bytes; r3 reaches r2 by
    // its link-local address. topologies/ipv6-chain.yaml with names of this run.
    private static string ChainTopology(Lab lab, string h1, string h2, string h3) => $$"""
        name: ipv6-chain
        functions:
          r1:
            kind: router
            interfaces:
              lan: { address: [10.76.1.1/24, 2001:db8:76:1::1/64], ra: true, mac: {{R1Lan}} }
              east: { address: [10.76.12.1/24, 2001:db8:76:12::1/64] }
            routes:
              - { prefix: default, via: 10.76.12.2 }
              - { prefix: default, via: 2001:db8:76:12::2 }
          r2:
            kind: router
            interfaces:
              west: { address: [10.76.12.2/24, 2001:db8:76:12::2/64] }
              lan: { address: [10.76.2.1/24, 2001:db8:76:2::1/64], ra: true, mac: {{R2Lan}} }
              east: { address: [10.76.23.2/24, 2001:db8:76:23::2/64, fe80::2/64], mtu: 1280 }
            routes:
              - { prefix: 10.76.1.0/24, via: 10.76.12.1 }
              - { prefix: 2001:db8:76:1::/64, via: 2001:db8:76:12::1 }
              - { prefix: 10.76.3.0/24, via: 10.76.23.3 }
              - { prefix: 2001:db8:76:3::/64, via: 2001:db8:76:23::3 }
          r3:
            kind: router
            interfaces:
              west: { address: [10.76.23.3/24, 2001:db8:76:23::3/64], mtu: 1280 }
              lan: { address: [10.76.3.1/24, 2001:db8:76:3::1/64] }
            routes:
              - { prefix: default, via: 10.76.23.2 }
              - { prefix: default, via: fe80::2, dev: west }
        ports:
          p1: { tap: {{lab.Tap("v1")}} }
          p2: { tap: {{lab.Tap("v2")}} }
          p3: { tap: {{lab.Tap("v3")}} }
        links:
          - [p1, r1.lan]
          - [r1.east, r2.west]
          - [p3, r2.lan]
          - [r2.east, r3.west]
          - [r3.lan, p2]
        hosts:
          {{h1}}: { port: p1, address: [10.76.1.10/24, slaac], gateway: 10.76.1.1 }
          {{h3}}: { port: p3, address: [10.76.2.10/24, slaac], gateway: 10.76.2.1 }
          {{h2}}: { port: p2, address: [10.76.3.10/24, 2001:db8:76:3::10/64], gateway: [10.76.3.1, 2001:db8:76:3::1] }
        """;

    /// <remarks>
    /// With two workers (a TAP queue each) the routers run an instance per worker: the first alone advertises, and the
    /// other hands it the solicitations it reads.
    /// </remarks>
    [PrivilegedTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Slaac_hosts_take_an_address_from_the_advertised_prefix_and_the_routers_link_local_address_as_default_route(int workers)
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), h3 = lab.Host("h3");
        using var nfv = await lab.RunAsync(lab.WriteTopology("chain6.yaml", ChainTopology(lab, h1, h2, h3)), $"--Nfv:Workers={workers}");
        Assert.DoesNotContain("runs as one instance", nfv.StandardOutput + nfv.StandardError);

        string a1 = await SlaacAddressAsync(h1, "2001:db8:76:1:");
        string a3 = await SlaacAddressAsync(h3, "2001:db8:76:2:");
        Assert.Equal(Ipv6Address.LinkLocal(R1Lan).ToString(), await DefaultRouteAsync(h1));
        Assert.Equal(Ipv6Address.LinkLocal(R2Lan).ToString(), await DefaultRouteAsync(h3));

        // Across routers, both ways, and to the static host; IPv4 beside it on the same interfaces.
        await Ping.AssertReachesAsync(h1, a3);
        await Ping.AssertReachesAsync(h3, a1);
        await Ping.AssertReachesAsync(h1, "2001:db8:76:3::10");
        await Ping.AssertReachesAsync(h2, a1);
        await Ping.AssertReachesAsync(h1, "10.76.3.10");

        // The routers' neighbour caches name the hosts, as nfv show prints them.
        string management = (await nfv.ManagementUrlAsync()).Authority;
        var neighbours = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "neighbours", "--address", management], Wait);
        Assert.True(neighbours.ExitCode == 0, neighbours.ToString());
        Assert.Matches($@"r1(@\d)?\s+lan\s+{Regex.Escape(a1)}\s+\S+\s+(reachable|stale|probe)", neighbours.StandardOutput);
        Assert.Matches(@"r3(@\d)?\s+west\s+fe80::2\s+", neighbours.StandardOutput);
    }

    [PrivilegedFact(Needs = "traceroute tracepath tshark")]
    public async Task Across_three_routers_traceroute_lists_each_hop_and_path_mtu_discovery_finds_the_1280_link()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), h3 = lab.Host("h3");
        using var nfv = await lab.RunAsync(lab.WriteTopology("chain6.yaml", ChainTopology(lab, h1, h2, h3)));
        await SlaacAddressAsync(h1, "2001:db8:76:1:");
        await Ping.AssertReachesAsync(h1, "2001:db8:76:3::10");

        // Too big for the r2–r3 link: r2 answers "packet too big" with the MTU; a capture of r1–r2 holds the request and it.
        string management = (await nfv.ManagementUrlAsync()).Authority;
        var file = Path.Combine(lab.Directory, "r2-west.pcap");
        var capture = lab.StartNfv("capture", "r2.west", "-w", file, "--count", "2", "--address", management);
        await capture.WaitForErrorAsync("capturing link", Wait);
        var big = await Ping.RunAsync(h1, "2001:db8:76:3::10", 1, "-s", "1400", "-M", "do");
        Assert.Contains("Packet too big: mtu=1280", big.StandardOutput + big.StandardError);
        Assert.Equal(0, await capture.WaitForExitAsync(Wait));
        var tshark = await Shell.RunAsync("tshark", ["-r", file, "-Y", "icmpv6.type == 2 && icmpv6.mtu == 1280", "-T", "fields", "-e", "ipv6.src"], Wait);
        Assert.True(tshark.ExitCode == 0, tshark.ToString());
        // The error's source, then the quoted packet's (h1's): r2's address on the link the packet came in by.
        Assert.Equal("2001:db8:76:12::2", tshark.StandardOutput.Trim().Split(',')[0]);

        var trace = await Shell.InNamespaceAsync(h1, Wait, "traceroute", "-6", "-n", "-q1", "-w1", "-m6", "2001:db8:76:3::10");
        Assert.True(trace.ExitCode == 0, trace.ToString());
        var hops = trace.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => char.IsAsciiDigit(line[0]))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .ToArray();
        Assert.True(hops.SequenceEqual(["2001:db8:76:1::1", "2001:db8:76:12::2", "2001:db8:76:23::3", "2001:db8:76:3::10"]), trace.ToString());

        // tracepath on a fresh host (h3 has no cached path MTU): pmtu 1280.
        await SlaacAddressAsync(h3, "2001:db8:76:2:");
        var tracepath = await Shell.InNamespaceAsync(h3, Wait, "tracepath", "-6", "-n", "2001:db8:76:3::10");
        Assert.True(tracepath.ExitCode == 0, tracepath.ToString());
        Assert.Contains("pmtu 1280", tracepath.StandardOutput);
        Assert.Matches(@"Resume: pmtu 1280 hops 3", tracepath.StandardOutput);
    }

    /// <remarks>With two workers (a TAP queue each) the router runs an instance per worker, whose caches hold the bound together.</remarks>
    [PrivilegedTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_neighbour_solicitation_flood_fills_the_cache_to_its_bound_and_routed_flows_keep_going(int workers)
    {
        await using var lab = new Lab();
        string a = lab.Host("a"), b = lab.Host("b");
        var path = lab.WriteTopology("ns-flood.yaml", $$"""
            name: ns-flood
            functions:
              gw:
                kind: router
                nd-cache-size: 128
                interfaces:
                  a: { address: 2001:db8:77:a::1/64 }
                  b: { address: 2001:db8:77:b::1/64 }
            ports:
              pa: { tap: {{lab.Tap("na")}} }
              pb: { tap: {{lab.Tap("nb")}} }
            links: [ [pa, gw.a], [pb, gw.b] ]
            hosts:
              {{a}}: { port: pa, address: 2001:db8:77:a::2/64, gateway: 2001:db8:77:a::1 }
              {{b}}: { port: pb, address: 2001:db8:77:b::2/64, gateway: 2001:db8:77:b::1 }
            """);
        using var nfv = await lab.RunAsync(path, $"--Nfv:Workers={workers}");
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };
        await Ping.AssertReachesAsync(a, "2001:db8:77:b::2");

        var steady = FloodTests.SteadyPing(a, "2001:db8:77:b::2", 8);
        await Task.Delay(1000);
        // 20,000 solicitations for the router's address from b's side, each from a new source address and MAC, 10,000 a
        // second: each would teach the router a neighbour (RFC 4861 7.2.3).
        var random = new Random(77);
        var solicitations = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var mac = FloodTests.RandomMac(random);
            string source = $"2001:db8:77:b:{random.Next(1, 0xFFFF):x}:{random.Next(1, 0xFFFF):x}:{random.Next(1, 0xFFFF):x}:{random.Next(1, 0xFFFF):x}";
            return Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode("2001:db8:77:b::1")), mac, source,
                Ipv6Packets.SolicitedNode("2001:db8:77:b::1"), Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation("2001:db8:77:b::1", mac), 255);
        }).ToArray();
        int sent = RawFrames.Send(b, solicitations, perSecond: 10_000, limit: TimeSpan.FromSeconds(10));
        Assert.True(sent > 15_000, $"only {sent} solicitations went out");

        await FloodTests.AssertAtBoundAsync(http, "gw", "neighbours", bound: 128);
        long notLearned = await FloodTests.EventAsync(http, "gw", "neighbours_not_learned");
        Assert.True(notLearned > sent / 2, $"sources the full cache could not hold are counted: {notLearned} of {sent}");
        var ping = await steady;
        Assert.True(FloodTests.Loss(ping) < 1, $"the routed flow between {a} and {b} was disturbed: {ping.StandardOutput}");
    }

    // The global address SLAAC gave eth0 inside the prefix starting with prefixText, once duplicate detection is over.
    private static async Task<string> SlaacAddressAsync(string host, string prefixText)
    {
        string? address = null;
        await Eventually.UntilAsync(async () =>
        {
            var show = await Shell.InNamespaceAsync(host, TimeSpan.FromSeconds(5), "ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global", "-tentative");
            address = Regex.Match(show.StandardOutput, $@"inet6 ({Regex.Escape(prefixText)}[0-9a-f:]+)/64 scope global dynamic").Groups[1].Value;
            return address.Length > 0;
        }, $"{host} to configure an address in {prefixText}:/64 from a router advertisement", Wait);
        return address!;
    }

    // The gateway of the host's IPv6 default route, which must have come from a router advertisement.
    private static async Task<string> DefaultRouteAsync(string host)
    {
        var route = await Shell.InNamespaceAsync(host, TimeSpan.FromSeconds(5), "ip", "-6", "route", "show", "default");
        var match = Regex.Match(route.StandardOutput, @"default via (\S+) dev eth0 proto ra");
        Assert.True(match.Success, route.ToString());
        return match.Groups[1].Value;
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Tracing;
using Nfv.Lab;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Fuzz;

/// <summary>
/// Every harness. The function harnesses run small topologies through the same compiler as <c>nfv run</c>, with the
/// limits set low so an input of a few frames reaches the full-table paths too.
/// </summary>
/// <remarks>
/// Nothing here may run nfv's code before <c>Fuzzer.Run</c>: the instrumented assemblies write to afl's shared memory,
/// which is not mapped until then (an access violation). So harnesses are made lazily, at their first input.
/// </remarks>
internal static class Harnesses
{
    /// <summary>Ethernet and 802.1Q: access ports in two VLANs, a trunk with a native VLAN, a small MAC table.</summary>
    private const string SwitchTopology = """
        functions:
          sw:
            kind: switch
            mac-table-size: 16
            ports:
              red: { vlan: 10 }
              blue: { vlan: 20 }
              up: { trunk: [10, 20, 30], native: 30 }
        ports: { red: { tap: f-red }, blue: { tap: f-blue }, up: { tap: f-up } }
        links: [[red, sw.red], [blue, sw.blue], [up, sw.up]]
        """;

    /// <summary>ARP, IPv4 (options, fragments, TTL), ICMP: two interfaces, a small MTU on one, static routes, small ARP cache and queue.</summary>
    private const string RouterTopology = """
        functions:
          gw:
            kind: router
            arp-cache-size: 8
            arp-queue: 4
            interfaces:
              lan: { address: 10.0.0.1/24 }
              wan: { address: [192.0.2.1/24, 198.51.100.1/24], mtu: 576 }
            routes:
              - { prefix: 10.9.0.0/16, via: 192.0.2.9 }
              - { prefix: default, via: 192.0.2.254 }
        ports: { lan: { tap: f-lan }, wan: { tap: f-wan } }
        links: [[lan, gw.lan], [wan, gw.wan]]
        """;

    /// <summary>IPv6: neighbour discovery, advertisements, extension headers, hop limit, ICMPv6, routes, a 1280 MTU, a small neighbour cache.</summary>
    private const string Router6Topology = """
        functions:
          gw:
            kind: router
            nd-cache-size: 8
            arp-queue: 4
            interfaces:
              lan: { address: [2001:db8::1/64, 10.0.0.1/24], ra: { rdnss: [2001:db8::53] } }
              wan: { address: [2001:db8:2::1/64, fe80::1/64], mtu: 1280 }
            routes:
              - { prefix: 2001:db8:9::/48, via: 2001:db8:2::9 }
              - { prefix: default, via: fe80::fe, dev: wan }
        ports: { lan: { tap: f-lan }, wan: { tap: f-wan } }
        links: [[lan, gw.lan], [wan, gw.wan]]
        """;

    /// <summary>NAT44 translation of TCP, UDP and ICMP (and ICMP errors), forwards, hairpin, small session limits.</summary>
    private const string NatTopology = """
        functions:
          gw:
            kind: router
            arp-cache-size: 8
            arp-queue: 4
            interfaces:
              lan: { address: 10.0.0.1/24 }
              wan: { address: 203.0.113.2/24, features: [masq] }
            routes: [ { prefix: default, via: 203.0.113.1 } ]
          masq:
            kind: nat
            ports: 40000-40063
            max-sessions: 48
            max-sessions-per-host: 16
            new-sessions-per-second: 100
            new-sessions-per-second-per-source: 20
            forwards:
              - { protocol: tcp, port: 8080, to: "10.0.0.10:80" }
              - { protocol: udp, port: 5353, to: "10.0.0.11:53" }
        ports: { lan: { tap: f-lan }, wan: { tap: f-wan } }
        links: [[lan, gw.lan], [wan, gw.wan]]
        """;

    /// <summary>DHCP messages and options: a small pool, reservations by MAC and client id, a relayed subnet, a rate limit.</summary>
    private const string DhcpTopology = """
        functions:
          dhcp:
            kind: dhcp
            address: 10.0.0.2/24
            pool: 10.0.0.100-10.0.0.103
            router: 10.0.0.1
            dns: [10.0.0.1]
            domain: lab.test
            lease: 1m
            rate-limit: 50
            options: [ { code: 252, type: string, value: "http://wpad/" } ]
            reservations:
              - { mac: "02:00:00:00:00:77", address: 10.0.0.7 }
              - { client-id: "01:02:03", address: 10.0.0.8 }
            subnets:
              - { prefix: 10.9.0.0/24, pool: 10.9.0.50-10.9.0.51, router: 10.9.0.1 }
        ports: { lan: { tap: f-lan } }
        links: [[lan, dhcp]]
        """;

    /// <summary>
    /// The default lab (topologies/home-router.yaml) with its tables made small: the shipped file's NAT alone would
    /// allocate 65,536 sessions for every input, a hundred times the cost of the rest.
    /// </summary>
    private const string HomeRouterTopology = """
        functions:
          lan: { kind: switch, mac-table-size: 32 }
          gw:
            kind: router
            arp-cache-size: 16
            interfaces:
              lan: { address: 192.168.10.1/24 }
              wan: { address: 203.0.113.2/24, features: [masq] }
            routes: [ { prefix: 0.0.0.0/0, via: 203.0.113.1 } ]
          masq: { kind: nat, max-sessions: 64, forwards: [ { protocol: tcp, port: 8080, to: "192.168.10.100:80" } ] }
          dhcp:
            kind: dhcp
            address: 192.168.10.2/24
            pool: 192.168.10.100-192.168.10.199
            router: 192.168.10.1
            dns: [192.168.10.1]
            lease: 12h
        ports: { lan1: { tap: f-lan1 }, lan2: { tap: f-lan2 }, uplink: { tap: f-wan } }
        links: [[lan1, lan], [lan2, lan], [dhcp, lan], [gw.lan, lan], [gw.wan, uplink]]
        """;

    /// <summary>The transaction and MAC the dhcp-client harness's replies must carry to be read further than the header.</summary>
    public const uint ClientTransaction = 0x0BADCAFE;

    public static MacAddress ClientMac => new(0x02_00_00_00_00_01);

    // In memory where there is a tmpfs: the lease harness writes and syncs a journal for every input.
    private static readonly string Scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(),
        $"nfv-fuzz-{Environment.ProcessId}");

    public static IReadOnlyList<Harness> All { get; } =
    [
        Graph("switch", "the switch: Ethernet, 802.1Q tags, learning, flooding, MAC table bound", "switch.yaml", SwitchTopology),
        Graph("router", "the router: ARP, IPv4 header and options, fragments, TTL, ICMP, routes, MTU", "router.yaml", RouterTopology),
        Graph("router6", "the router's IPv6: neighbour discovery, advertisements, extension headers, hop limit, ICMPv6, routes, MTU", "router6.yaml", Router6Topology),
        Graph("nat", "the NAT on a router: TCP/UDP/ICMP translation, ICMP errors, forwards, hairpin, limits", "nat.yaml", NatTopology),
        Graph("dhcp", "the DHCP server: BOOTP header, options, relay, reservations, pool exhaustion, rate limit", "dhcp.yaml", DhcpTopology),
        Graph("home-router", "the default lab's functions together: switch, router, NAT, DHCP server", "home-router.yaml", HomeRouterTopology),
        new("topology", "a topology file: YAML, every function's configuration, links, hosts", Topology),
        new("lease-file", "the DHCP server's lease journal read back at start", LeaseFile),
        new("dhcp-client", "the built-in DHCP client reading a server's reply", input => DhcpClientMessage.ParseReply(input, ClientTransaction, ClientMac)),
        new("frame-summary", "the one-line frame summary of trace and capture output", input => FrameSummary.Describe(input)),
    ];

    public static Harness? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    private static Harness Graph(string name, string covers, string fileName, string yaml)
    {
        // Loaded at the first input, so listing the harnesses loads no topology.
        var harness = new Lazy<GraphHarness>(() => new GraphHarness(fileName, yaml));
        return new Harness(name, covers, input => harness.Value.Run(input));
    }

    private static void Topology(ReadOnlySpan<byte> input)
    {
        string path = ScratchFile("topology.yaml", input);
        var result = TopologyLoader.Load(path, FunctionDiscovery.Installed());
        if (result.Succeeded == result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new FuzzFinding("the loader's verdict disagrees with its diagnostics");
        }
    }

    // The dhcp harness's server, read once (at the first input, not before Fuzzer.Run).
    private static readonly Lazy<ResolvedTopology> LeaseServer =
        new(() => TopologyLoader.LoadFromText(DhcpTopology, "dhcp.yaml", FunctionDiscovery.Installed()).Topology!);

    private static void LeaseFile(ReadOnlySpan<byte> input)
    {
        string directory = Path.GetDirectoryName(ScratchFile("state/dhcp.leases", input))!;
        var topology = LeaseServer.Value;
        var dhcp = topology.Functions[0];
        var function = dhcp.Blueprint.Build(new FunctionBuildContext(dhcp.Name, topology.GetConnectedPorts(0), TimeProvider.System,
            NullLoggerFactory.Instance)
        { StateDirectory = directory });
        (function as IDisposable)?.Dispose();
    }

    private static string ScratchFile(string name, ReadOnlySpan<byte> content)
    {
        if (!Directory.Exists(Scratch))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(Scratch, recursive: true);
                }
                catch (IOException)
                {
                    // gone already
                }
            };
        }
        // One folder a thread: the suite runs a harness from two test classes at once.
        string path = Path.Combine(Scratch, Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        file.Write(content);
        return path;
    }
}

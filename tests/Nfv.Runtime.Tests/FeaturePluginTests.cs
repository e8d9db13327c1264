using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Runtime.Tests;

/// <summary>
/// A feature defined only in this test assembly (<see cref="PortBlocker"/>), found by discovery, named on a router
/// interface like the NAT, and run offline over frames: the contract is open to a function written elsewhere.
/// </summary>
public class FeaturePluginTests
{
    private static readonly MacAddress LanMac = MacAddress.Parse("02:00:00:00:01:01");
    private static readonly MacAddress WanMac = MacAddress.Parse("02:00:00:00:02:01");
    private static readonly MacAddress Host = MacAddress.Parse("02:00:00:00:00:10");
    private static readonly MacAddress Remote = MacAddress.Parse("02:00:00:00:00:20");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Topology = """
        name: blocker-lab
        functions:
          gw:
            kind: router
            interfaces:
              lan: { address: 10.0.0.1/24, mac: "02:00:00:00:01:01", features: [blocker] }
              wan: { address: 192.0.2.1/24, mac: "02:00:00:00:02:01" }
          blocker: { kind: test-port-blocker, port: 9 }
        ports:
          lan: { tap: blk-lan }
          wan: { tap: blk-wan }
        links:
          - [lan, gw.lan]
          - [wan, gw.wan]
        """;

    [Fact]
    public void Discovery_finds_the_test_feature_beside_the_built_in_functions()
    {
        Assert.Equal(["dhcp", "firewall", "impair", "nat", "policer", "router", "shaper", "steer", "switch", "test-port-blocker"], FunctionDiscovery.Installed().Kinds);
    }

    [Fact]
    public void A_feature_from_another_assembly_runs_on_a_router_interface_and_drops_what_it_blocks()
    {
        var result = TopologyReplay.Run(Topology, new Dictionary<string, IReadOnlyList<PcapRecord>>
        {
            ["lan"] =
            [
                new(T0, Udp(LanMac, Host, "10.0.0.10", "192.0.2.20", 40000, 9)),
                new(T0.AddMilliseconds(10), Udp(LanMac, Host, "10.0.0.10", "192.0.2.20", 40001, 53)),
            ],
            ["wan"] = [new(T0.AddMilliseconds(20), IpPackets.Arp(2, WanMac, Remote, "192.0.2.20", WanMac, "192.0.2.1"))],
        });

        var wan = result.Out["wan"];
        Assert.Equal(2, wan.Count); // the ARP request for 192.0.2.20, then the one datagram let through
        Assert.Equal(0x0806, wan[0].Frame[12] << 8 | wan[0].Frame[13]);
        var routed = wan[1].Frame;
        Assert.Equal(("10.0.0.10", "192.0.2.20", 63), (IpPackets.Src(routed), IpPackets.Dst(routed), (int)IpPackets.Ttl(routed)));
        Assert.Equal(53, IpPackets.L4(routed)[2] << 8 | IpPackets.L4(routed)[3]);
        Assert.Empty(result.Out["lan"]);
        Assert.Contains(("gw/FeatureDrop", 1L), result.Summary.Drops); // the datagram to port 9, and nothing else for the feature
    }

    [Fact]
    public void A_feature_named_where_another_contract_is_asked_for_is_refused_at_its_name()
    {
        var yaml = Topology.Replace("features: [blocker]", "features: [sw]", StringComparison.Ordinal)
            .Replace("  blocker: { kind: test-port-blocker, port: 9 }", "  blocker: { kind: test-port-blocker, port: 9 }\n  sw: { kind: switch }", StringComparison.Ordinal);
        var refused = Assert.Throws<FunctionTestException>(() => TopologyReplay.Run(yaml, new Dictionary<string, IReadOnlyList<PcapRecord>>()));
        Assert.Contains("topology.yaml(6,73): error NFV0109: feature 'sw' of interface 'lan' of router 'gw' names 'sw', a function of kind switch; only IPv4 features can be named here (in this topology: blocker)", refused.Message);
    }

    [Fact]
    public void Its_configuration_is_checked_as_a_plugin_author_would_test_it()
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new PortBlockerFactory(), "blocker: { kind: test-port-blocker, port: 70000 }", "lab.yaml");
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("lab.yaml(1,43): error NFV0202: 'port' of 'blocker' must be a whole number from 1 to 65535, not '70000'", error.ToString());
        Assert.NotNull(blueprint); // refused values fall back to the default; the error still refuses the topology
    }

    private static byte[] Udp(MacAddress dst, MacAddress src, string from, string to, ushort fromPort, ushort toPort) =>
        IpPackets.WithL4Checksum(IpPackets.Ip(dst, src, from, to, Ipv4Header.ProtocolUdp, IpPackets.Udp(fromPort, toPort)));
}

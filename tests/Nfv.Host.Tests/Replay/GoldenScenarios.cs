using Nfv.Abstractions.Headers;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The golden cases over Pcaps/switch-golden.yaml (p1, p2: access VLAN 10; p3: access VLAN 20; trunk:
/// 10 and 20 tagged, native 1; ageing 2 s). Each expected frame is derived here from the switch's
/// documented behaviour (functions/Nfv.Functions.Switch/README.md), not recorded from a run.
/// </summary>
public static class GoldenScenarios
{
    /// <summary>Every port of the golden topology.</summary>
    public static readonly string[] Ports = ["p1", "p2", "p3", "trunk"];

    /// <summary>When every scenario starts: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const ushort Arp = 0x0806;

    /// <summary>The topology file of the switch scenarios.</summary>
    public const string Topology = "switch-golden.yaml";

    /// <summary>All scenarios: the switch's here, the router's, the DHCP server's and the NAT's in their own classes.</summary>
    public static IReadOnlyList<GoldenScenario> All => [LearningAndFlooding(), VlanTrunk(), Ageing(), .. RouterGoldenScenarios.All, .. Router6GoldenScenarios.All, .. DhcpGoldenScenarios.All, .. NatGoldenScenarios.All];

    /// <summary>Looks a scenario up by name.</summary>
    public static GoldenScenario Get(string name) => All.Single(s => s.Name == name);

    /// <summary>
    /// Learning and flooding in VLAN 10, two input files merged by timestamp: a broadcast floods to the
    /// other VLAN-10 access port and, tagged 10, to the trunk, never to VLAN 20; a reply to a learned
    /// address goes to that one port; unknown unicast floods; a frame to an address behind its own
    /// ingress port is dropped (SameSegment).
    /// </summary>
    public static GoldenScenario LearningAndFlooding()
    {
        MacAddress m1 = Mac(1), m2 = Mac(2), m9 = Mac(9);
        var arp = Ethernet(MacAddress.Broadcast, m1, 46, Arp);
        var reply = Ethernet(m1, m2, 60);
        var toM2 = Ethernet(m2, m1, 100);
        var unknown = Ethernet(m9, m1, 80);
        var reply2 = Ethernet(m1, m2, 64);
        var sameSegment = Ethernet(m2, Mac(3), 50);
        return new GoldenScenario("learning-flooding", Topology, Ports,
            [
                ("p1", [At(0, arp), At(20, toM2), At(30, unknown)]),
                ("p2", [At(10, reply), At(30, reply2), At(40, sameSegment)]),
            ],
            Outputs(
                ("p1", [At(10, reply), At(30, reply2)]),
                ("p2", [At(0, arp), At(20, toM2), At(30, unknown)]),
                ("p3", []),
                ("trunk", [At(0, Tag(arp, 10)), At(30, Tag(unknown, 10))])));
    }

    /// <summary>
    /// VLANs across the trunk: a frame tagged 20 leaves the VLAN-20 access port untagged; the reply
    /// leaves the trunk tagged 20; a frame tagged 10 reaches both VLAN-10 ports untagged; native VLAN 1
    /// has no other member (NoEgressPort); VLAN 30 is not carried (VlanNotAllowed); the priority of a
    /// tagged frame is lost when it leaves untagged; a tagged frame on an access port is dropped
    /// (TaggedOnAccess).
    /// </summary>
    public static GoldenScenario VlanTrunk()
    {
        MacAddress m5 = Mac(5), m6 = Mac(6), m7 = Mac(7), m8 = Mac(8);
        var bcast20 = Ethernet(MacAddress.Broadcast, m5, 46, Arp);
        var reply20 = Ethernet(m5, m6, 60);
        var bcast10 = Ethernet(MacAddress.Broadcast, m7, 46, Arp);
        var native = Ethernet(MacAddress.Broadcast, m8, 46, Arp);
        var vlan30 = Tagged(MacAddress.Broadcast, m8, 30, 46, Arp);
        var prio = Ethernet(m6, m5, 70);
        return new GoldenScenario("vlan-trunk", Topology, Ports,
            [
                ("trunk", [At(0, Tag(bcast20, 20)), At(10, Tag(bcast10, 10)), At(15, native), At(20, vlan30), At(25, Tag(prio, 20, priority: 5))]),
                ("p3", [At(5, reply20)]),
                ("p1", [At(30, Tagged(m7, Mac(1), 10, 46))]),
            ],
            Outputs(
                ("p1", [At(10, bcast10)]),
                ("p2", [At(10, bcast10)]),
                ("p3", [At(0, bcast20), At(25, prio)]),
                ("trunk", [At(5, Tag(reply20, 20))])));
    }

    /// <summary>
    /// Ageing on the capture's clock (ageing 2 s): M2, learned at 0 s and last seen at 1.5 s, is known at
    /// 1 s and forgotten by 4 s, so a frame to it floods again (to p2 and, tagged 10, to the trunk); seen
    /// again at 4.1 s, it is known again at 4.2 s.
    /// </summary>
    public static GoldenScenario Ageing()
    {
        MacAddress m1 = Mac(1), m2 = Mac(2);
        var hello = Ethernet(MacAddress.Broadcast, m2, 46, Arp);
        var a = Ethernet(m2, m1, 60);
        var b = Ethernet(m1, m2, 61);
        var c = Ethernet(m2, m1, 62);
        var d = Ethernet(m1, m2, 63);
        var e = Ethernet(m2, m1, 64);
        return new GoldenScenario("ageing", Topology, Ports,
            [
                ("p1", [At(1000, a), At(4000, c), At(4200, e)]),
                ("p2", [At(0, hello), At(1500, b), At(4100, d)]),
            ],
            Outputs(
                ("p1", [At(0, hello), At(1500, b), At(4100, d)]),
                ("p2", [At(1000, a), At(4000, c), At(4200, e)]),
                ("p3", []),
                ("trunk", [At(0, Tag(hello, 10)), At(4000, Tag(c, 10))])));
    }

    /// <summary><paramref name="frame"/> at <paramref name="milliseconds"/> after <see cref="Start"/>.</summary>
    public static PcapRecord At(int milliseconds, byte[] frame) => new(Start.AddMilliseconds(milliseconds), frame);

    /// <summary>The expected frames per port.</summary>
    public static Dictionary<string, IReadOnlyList<PcapRecord>> Outputs(params (string Port, PcapRecord[] Frames)[] outputs) =>
        outputs.ToDictionary(o => o.Port, o => (IReadOnlyList<PcapRecord>)o.Frames);
}

using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using static Nfv.Host.Tests.Replay.GoldenScenarios;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The golden case over Pcaps/nat-golden.yaml: a router whose wan interface runs the NAT. The expected frames are
/// built here from the NAT's documented behaviour (functions/Nfv.Functions.Nat/README.md: port preserved when free,
/// the external address is wan's own, forwards, unsolicited outside packets to inside addresses refused) and the
/// router's (TTL 63, MACs rewritten), with checksums computed from scratch, not recorded from a run.
/// </summary>
public static class NatGoldenScenarios
{
    private static readonly MacAddress LanMac = MacAddress.Parse("02:00:00:00:01:01"), WanMac = MacAddress.Parse("02:00:00:00:02:01");
    private static readonly MacAddress Host1 = FrameBuilder.Mac(0x10), Remote = FrameBuilder.Mac(0x20);

    /// <summary>All NAT scenarios.</summary>
    public static IReadOnlyList<GoldenScenario> All => [Masquerade()];

    /// <summary>
    /// Host 1 (10.0.0.10) ARPs for the router (0 ms: reply) and sends UDP 40000 → 192.0.2.20:53 (10 ms: wan ARPs for
    /// the remote); the remote answers the ARP (20 ms: the datagram leaves from 192.0.2.1:40000); the remote's reply
    /// to 192.0.2.1:40000 (30 ms: reaches host 1 as 192.0.2.20:53 → 10.0.0.10:40000); the remote sends to the forward
    /// 192.0.2.1:5353 (40 ms: reaches 10.0.0.10:53); and straight to 10.0.0.10 (50 ms: refused, nothing sent).
    /// </summary>
    public static GoldenScenario Masquerade() => new("nat", "nat-golden.yaml", ["lan", "wan"],
        [
            ("lan", [
                At(0, IpPackets.Arp(1, MacAddress.Broadcast, Host1, "10.0.0.10", default, "10.0.0.1")),
                At(10, Udp(LanMac, Host1, "10.0.0.10", "192.0.2.20", 40000, 53, ttl: 64))]),
            ("wan", [
                At(20, IpPackets.Arp(2, WanMac, Remote, "192.0.2.20", WanMac, "192.0.2.1")),
                At(30, Udp(WanMac, Remote, "192.0.2.20", "192.0.2.1", 53, 40000, ttl: 64)),
                At(40, Udp(WanMac, Remote, "192.0.2.20", "192.0.2.1", 7777, 5353, ttl: 64)),
                At(50, Udp(WanMac, Remote, "192.0.2.20", "10.0.0.10", 7777, 53, ttl: 64))]),
        ],
        Outputs(
            ("lan", [
                At(0, IpPackets.Arp(2, Host1, LanMac, "10.0.0.1", Host1, "10.0.0.10")),
                At(30, Udp(Host1, LanMac, "192.0.2.20", "10.0.0.10", 53, 40000, ttl: 63)),
                At(40, Udp(Host1, LanMac, "192.0.2.20", "10.0.0.10", 7777, 53, ttl: 63))]),
            ("wan", [
                At(10, IpPackets.Arp(1, MacAddress.Broadcast, WanMac, "192.0.2.1", default, "192.0.2.20")),
                At(20, Udp(Remote, WanMac, "192.0.2.1", "192.0.2.20", 40000, 53, ttl: 63))])));

    private static byte[] Udp(MacAddress dst, MacAddress src, string from, string to, ushort fromPort, ushort toPort, byte ttl) =>
        IpPackets.WithL4Checksum(IpPackets.Ip(dst, src, from, to, Ipv4Header.ProtocolUdp, IpPackets.Udp(fromPort, toPort), ttl));
}

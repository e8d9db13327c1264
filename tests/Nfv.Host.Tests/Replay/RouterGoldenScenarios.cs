using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using static Nfv.Host.Tests.Replay.GoldenScenarios;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The golden cases over Pcaps/router-golden.yaml (gw: lan 10.60.1.1/24, wan 10.60.2.1/24, fixed MACs).
/// Each expected frame is built here with the router tests' own frame and checksum code (IpPackets.cs),
/// from the router's documented behaviour (functions/Nfv.Functions.Router/README.md), not recorded from a run.
/// </summary>
public static class RouterGoldenScenarios
{
    /// <summary>The ports of the router topology.</summary>
    public static readonly string[] Ports = ["lan", "wan"];

    /// <summary>The router's lan and wan MACs (as in the topology file).</summary>
    public static readonly MacAddress LanMac = MacAddress.Parse("02:00:00:00:01:01"), WanMac = MacAddress.Parse("02:00:00:00:02:01");

    /// <summary>Host 1 (10.60.1.10) on lan and host 2 (10.60.2.10) on wan.</summary>
    public static readonly MacAddress Host1 = FrameBuilder.Mac(0x10), Host2 = FrameBuilder.Mac(0x20);

    private const string Topology = "router-golden.yaml";
    private const byte Icmp = 1, Udp = 17;

    /// <summary>All router scenarios.</summary>
    public static IReadOnlyList<GoldenScenario> All => [Router()];

    /// <summary>
    /// Host 1 ARPs for the router (0 ms: ARP reply); pings it (10 ms: echo reply, TTL 64); sends UDP to host 2,
    /// which is not resolved yet (20 ms: ARP request out of wan; the datagram waits); host 2's ARP reply comes in
    /// (50 ms: the datagram leaves wan, TTL 63, MACs rewritten); a datagram with TTL 1 (60 ms: ICMP time exceeded
    /// back to host 1 from 10.60.1.1, quoting it whole, IP id 0: the router's first error).
    /// </summary>
    public static GoldenScenario Router()
    {
        var udp = IpPackets.Udp(5000, 6000);
        var toHost2 = IpPackets.Ip(LanMac, Host1, "10.60.1.10", "10.60.2.10", Udp, udp);
        var ttl1 = IpPackets.Ip(LanMac, Host1, "10.60.1.10", "10.60.2.10", Udp, udp, ttl: 1, id: 0x5678);
        return new GoldenScenario("router", Topology, Ports,
            [
                ("lan", [
                    At(0, IpPackets.Arp(1, MacAddress.Broadcast, Host1, "10.60.1.10", default, "10.60.1.1")),
                    At(10, IpPackets.Ip(LanMac, Host1, "10.60.1.10", "10.60.1.1", Icmp, IpPackets.EchoRequest())),
                    At(20, toHost2),
                    At(60, ttl1)]),
                ("wan", [At(50, IpPackets.Arp(2, WanMac, Host2, "10.60.2.10", WanMac, "10.60.2.1"))]),
            ],
            Outputs(
                ("lan", [
                    At(0, IpPackets.Arp(2, Host1, LanMac, "10.60.1.1", Host1, "10.60.1.10")),
                    At(10, IpPackets.Ip(Host1, LanMac, "10.60.1.1", "10.60.1.10", Icmp, EchoReply(IpPackets.EchoRequest()))),
                    At(60, IpPackets.Ip(Host1, LanMac, "10.60.1.1", "10.60.1.10", Icmp, TimeExceeded(ttl1), id: 0))]),
                ("wan", [
                    At(20, IpPackets.Arp(1, MacAddress.Broadcast, WanMac, "10.60.2.1", default, "10.60.2.10")),
                    At(50, IpPackets.Ip(Host2, WanMac, "10.60.1.10", "10.60.2.10", Udp, udp, ttl: 63))])));
    }

    // The echo request's ICMP message as a reply: type 0, checksum recomputed.
    private static byte[] EchoReply(byte[] request)
    {
        var reply = (byte[])request.Clone();
        reply[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), IpPackets.Sum(reply));
        return reply;
    }

    // ICMP time exceeded in transit (11/0) quoting the whole offending datagram (it is far below 576 bytes).
    private static byte[] TimeExceeded(byte[] offendingFrame)
    {
        var datagram = IpPackets.IpOf(offendingFrame);
        var icmp = new byte[8 + datagram.Length];
        icmp[0] = 11;
        datagram.CopyTo(icmp.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), IpPackets.Sum(icmp));
        return icmp;
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using static Nfv.Host.Tests.Replay.GoldenScenarios;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The IPv6 golden case over Pcaps/router6-golden.yaml (gw: lan 2001:db8:60:1::1/64 advertising, wan
/// 2001:db8:60:2::1/64 with MTU 1280, fixed MACs). Each expected frame is built here with the tests' own frame and
/// checksum code (Ipv6Packets.cs), from the router's documented behaviour (functions/Nfv.Functions.Router/README.md,
/// "IPv6"), not recorded from a run.
/// </summary>
public static class Router6GoldenScenarios
{
    /// <summary>The router's lan and wan MACs (as in the topology file).</summary>
    public static readonly MacAddress LanMac = MacAddress.Parse("02:00:00:00:01:01"), WanMac = MacAddress.Parse("02:00:00:00:02:01");

    /// <summary>Host 1 on lan and host 2 on wan.</summary>
    public static readonly MacAddress Host1 = FrameBuilder.Mac(0x10), Host2 = FrameBuilder.Mac(0x20);

    // The link-local addresses of the router's interfaces: fe80:: and the modified EUI-64 of each MAC (02 -> 00, ff:fe inside).
    public const string LanLinkLocal = "fe80::ff:fe00:101", WanLinkLocal = "fe80::ff:fe00:201";
    public const string Lan = "2001:db8:60:1::1", Wan = "2001:db8:60:2::1", H1 = "2001:db8:60:1::10", H2 = "2001:db8:60:2::10";
    private const byte Icmpv6 = 58, Udp = 17;

    /// <summary>All IPv6 router scenarios.</summary>
    public static IReadOnlyList<GoldenScenario> All => [Router6()];

    /// <summary>
    /// Host 1 solicits the router (0 ms: a solicited advertisement back); pings it (10 ms: echo reply, hop limit 64);
    /// sends UDP to host 2, not known yet (20 ms: a solicitation out of wan to host 2's solicited-node group; the packet
    /// waits); host 2 advertises itself (50 ms: the packet leaves wan, hop limit 63); hop limit 1 (60 ms: time exceeded);
    /// 1,400 bytes for wan's 1,280 (70 ms: packet too big, MTU 1280, quoting 1,232 bytes); no route (80 ms: destination
    /// unreachable, no route); a router solicitation (90 ms: a router advertisement to all nodes); at the first timer
    /// (100 ms) duplicate address detection for the router's four addresses, from ::; a ping to the lan link-local
    /// address (150 ms: the reply comes from it).
    /// </summary>
    public static GoldenScenario Router6()
    {
        var udp = IpPackets.Udp(5000, 6000);
        var toHost2 = Ipv6Packets.Ip(LanMac, Host1, H1, H2, Udp, udp);
        var hopLimit1 = Ipv6Packets.Ip(LanMac, Host1, H1, H2, Udp, udp, hopLimit: 1);
        var big = Ipv6Packets.Ip(LanMac, Host1, H1, H2, Udp, IpPackets.Udp(5000, 6000, dataLength: 1352)); // 1,400 bytes of IPv6
        var noRoute = Ipv6Packets.Ip(LanMac, Host1, H1, "2001:db9::1", Udp, udp);
        var echo = Ipv6Packets.EchoRequest(ident: 3, seq: 1);
        var echoLinkLocal = Ipv6Packets.EchoRequest(ident: 3, seq: 2);
        return new GoldenScenario("router6", "router6-golden.yaml", RouterGoldenScenarios.Ports,
            [
                ("lan", [
                    At(0, Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(Lan)), Host1, H1, Ipv6Packets.SolicitedNode(Lan), Icmpv6,
                        Ipv6Packets.NeighbourSolicitation(Lan, Host1), 255)),
                    At(10, Ipv6Packets.Ip(LanMac, Host1, H1, Lan, Icmpv6, echo)),
                    At(20, toHost2),
                    At(60, hopLimit1),
                    At(70, big),
                    At(80, noRoute),
                    At(90, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::2"), Host1, "fe80::10", "ff02::2", Icmpv6, Ipv6Packets.RouterSolicitation(Host1), 255)),
                    At(150, Ipv6Packets.Ip(LanMac, Host1, "fe80::10", LanLinkLocal, Icmpv6, echoLinkLocal))]),
                ("wan", [
                    At(50, Ipv6Packets.Ip(WanMac, Host2, H2, WanLinkLocal, Icmpv6, Ipv6Packets.NeighbourAdvertisement(H2, Host2, flags: 0x60), 255))]),
            ],
            Outputs(
                ("lan", [
                    At(0, Ipv6Packets.Ip(Host1, LanMac, Lan, H1, Icmpv6, Ipv6Packets.NeighbourAdvertisement(Lan, LanMac, flags: 0xE0), 255)),
                    At(10, Ipv6Packets.Ip(Host1, LanMac, Lan, H1, Icmpv6, EchoReply(echo))),
                    At(60, Ipv6Packets.Ip(Host1, LanMac, Lan, H1, Icmpv6, Error(3, 0, 0, hopLimit1))),
                    At(70, Ipv6Packets.Ip(Host1, LanMac, Lan, H1, Icmpv6, Error(2, 0, 1280, big))),
                    At(80, Ipv6Packets.Ip(Host1, LanMac, Lan, H1, Icmpv6, Error(1, 0, 0, noRoute))),
                    At(90, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::1"), LanMac, LanLinkLocal, "ff02::1", Icmpv6, Advertisement(), 255)),
                    At(100, DuplicateCheck(LanMac, LanLinkLocal)),
                    At(100, DuplicateCheck(LanMac, Lan)),
                    At(150, Ipv6Packets.Ip(Host1, LanMac, LanLinkLocal, "fe80::10", Icmpv6, EchoReply(echoLinkLocal)))]),
                ("wan", [
                    At(20, Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(H2)), WanMac, WanLinkLocal, Ipv6Packets.SolicitedNode(H2), Icmpv6,
                        Ipv6Packets.NeighbourSolicitation(H2, WanMac), 255)),
                    At(50, Ipv6Packets.Ip(Host2, WanMac, H1, H2, Udp, udp, hopLimit: 63)),
                    At(100, DuplicateCheck(WanMac, WanLinkLocal)),
                    At(100, DuplicateCheck(WanMac, Wan))])));
    }

    // The echo request's message as a reply: type 129 (the checksum is Ipv6Packets.Ip's).
    private static byte[] EchoReply(byte[] request)
    {
        var reply = (byte[])request.Clone();
        reply[0] = 129;
        return reply;
    }

    // An ICMPv6 error quoting as much of the offending packet as fits 1,280 bytes (RFC 4443 2.4 (c)).
    private static byte[] Error(byte type, byte code, uint rest, byte[] offendingFrame)
    {
        var packet = offendingFrame.AsSpan(14);
        int quote = Math.Min(packet.Length, 1280 - 40 - 8);
        var icmp = new byte[8 + quote];
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp.AsSpan(4), rest);
        packet[..quote].CopyTo(icmp.AsSpan(8));
        return icmp;
    }

    // A solicitation from :: for one of the router's own addresses, to its solicited-node group, without a link-layer option.
    private static byte[] DuplicateCheck(MacAddress mac, string address) =>
        Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(address)), mac, "::", Ipv6Packets.SolicitedNode(address), Icmpv6,
            Ipv6Packets.NeighbourSolicitation(address, null), 255);

    // The lan's advertisement: hop limit 64, no flags, router lifetime 1800 s; its MAC, MTU 1500, and 2001:db8:60:1::/64
    // on-link and autonomous, valid 30 days, preferred 7.
    private static byte[] Advertisement()
    {
        var message = new byte[16 + 8 + 8 + 32];
        message[0] = 134;
        message[4] = 64;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), 1800);
        message[16] = 1;
        message[17] = 1;
        LanMac.Write(message.AsSpan(18));
        message[24] = 5;
        message[25] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(28), 1500);
        var prefix = message.AsSpan(32);
        prefix[0] = 3;
        prefix[1] = 4;
        prefix[2] = 64;
        prefix[3] = 0xC0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[4..], 30 * 86400);
        BinaryPrimitives.WriteUInt32BigEndian(prefix[8..], 7 * 86400);
        byte[] network = [0x20, 0x01, 0x0d, 0xb8, 0x00, 0x60, 0x00, 0x01];
        network.CopyTo(prefix[16..]);
        return message;
    }
}

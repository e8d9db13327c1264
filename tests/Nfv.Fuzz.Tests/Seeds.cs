using System.Buffers.Binary;
using System.Text;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Dhcp.Tests;
using Nfv.Ip.Headers;
using static Nfv.Fuzz.FrameRecords;

namespace Nfv.Fuzz.Tests;

/// <summary>
/// The seed corpus, made from the tests' frame builders so each seed says what it is: well-formed conversations that
/// take each function down its main paths, for afl++ to mutate. <see cref="SeedTests"/> keeps Corpus/ equal to this.
/// </summary>
internal static class Seeds
{
    private const byte Udp = 17, Tcp = 6, Icmp = 1, Syn = 0x02, Ack = 0x10;

    private static readonly MacAddress H1 = FrameBuilder.Mac(0x10), H2 = FrameBuilder.Mac(0x11), R1 = FrameBuilder.Mac(0x20);

    public static IReadOnlyDictionary<string, IReadOnlyList<(string Name, byte[] Bytes)>> All { get; } =
        new Dictionary<string, IReadOnlyList<(string, byte[])>>
        {
            ["switch"] = Switch(),
            ["router"] = Router(),
            ["router6"] = Router6(),
            ["nat"] = Nat(),
            ["dhcp"] = Dhcp(),
            ["home-router"] = HomeRouter(),
            ["topology"] = Topology(),
            ["lease-file"] = LeaseFile(),
            ["dhcp-client"] = DhcpClient(),
            ["frame-summary"] = FrameSummary(),
        };

    private static byte[] Records(params byte[][] records) => [.. records.SelectMany(r => r)];

    private static (string, byte[])[] Switch()
    {
        const int red = 0, blue = 1, up = 2;
        return
        [
            ("learn-then-unicast", Records(
                Frame(red, FrameBuilder.Ethernet(MacAddress.Broadcast, H1)),
                Frame(up, FrameBuilder.Tagged(H1, H2, 10)),
                Frame(red, FrameBuilder.Ethernet(H2, H1)))),
            ("native-and-tagged", Records(
                Frame(up, FrameBuilder.Ethernet(MacAddress.Broadcast, H2)),
                Frame(up, FrameBuilder.Tagged(MacAddress.Broadcast, R1, 20, priority: 5)),
                Frame(blue, FrameBuilder.Ethernet(R1, H1)))),
            ("qinq-and-priority-tag", Records(
                Frame(up, FrameBuilder.Tag(FrameBuilder.Tagged(H1, H2, 10), 100, tpid: 0x88A8)),
                Frame(red, FrameBuilder.Tagged(H2, H1, 0, priority: 3)))),
            ("ageing", Records(
                Frame(red, FrameBuilder.Ethernet(MacAddress.Parse("01:00:5e:00:00:fb"), H1)),
                Wait(60_000), Wait(60_000), Wait(60_000), Wait(60_000), Wait(60_000),
                Frame(blue, FrameBuilder.Ethernet(H1, H2)))),
        ];
    }

    private static (string, byte[])[] Router()
    {
        const int lan = 0, wan = 1;
        var lanMac = MacAddress.FromName("gw/lan");
        var wanMac = MacAddress.FromName("gw/wan");
        byte[] Out(string dst, byte protocol, byte[] l4, byte ttl = 64, bool df = false, byte[]? options = null, ushort fragmentWord = 0) =>
            IpPackets.WithL4Checksum(IpPackets.Ip(lanMac, H1, "10.0.0.10", dst, protocol, l4, ttl, df, fragmentWord: fragmentWord, options: options));
        var arpH1 = Frame(lan, IpPackets.Arp(1, MacAddress.Broadcast, H1, "10.0.0.10", default, "10.0.0.1"));
        var arpReplyR1 = Frame(wan, IpPackets.Arp(2, wanMac, R1, "192.0.2.20", wanMac, "192.0.2.1"));
        return
        [
            ("arp-and-ping-router", Records(arpH1, Frame(lan, Out("10.0.0.1", Icmp, IpPackets.EchoRequest())))),
            ("forward-after-arp", Records(arpH1, Frame(lan, Out("192.0.2.20", Icmp, IpPackets.EchoRequest())), arpReplyR1,
                Frame(wan, IpPackets.WithL4Checksum(IpPackets.Ip(wanMac, R1, "192.0.2.20", "10.0.0.10", Udp, IpPackets.Udp(53, 4000)))))),
            ("ttl-expired-and-unreachable", Records(arpH1, Frame(lan, Out("192.0.2.20", Udp, IpPackets.Udp(4000, 33434), ttl: 1)),
                Frame(lan, Out("10.0.0.1", Udp, IpPackets.Udp(4000, 9))), Frame(lan, Out("172.16.0.1", Tcp, IpPackets.Tcp(0, flags: Syn))))),
            ("options-record-route", Records(arpH1, Frame(lan, Out("10.0.0.1", Icmp, IpPackets.EchoRequest(),
                options: [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1])))),
            ("mtu-fragment-and-frag-needed", Records(arpH1, arpReplyR1,
                Frame(lan, Out("192.0.2.20", Udp, IpPackets.Udp(4000, 5000, 1200))),
                Frame(lan, Out("192.0.2.20", Udp, IpPackets.Udp(4000, 5000, 1200), df: true)))),
            ("fragments-to-router", Records(arpH1,
                Frame(lan, Out("10.0.0.1", Icmp, IpPackets.EchoRequest(dataLength: 16), fragmentWord: 0x2000)),
                Frame(lan, Out("10.0.0.1", Icmp, new byte[24], fragmentWord: 3)))),
            ("arp-queue-timeout", Records(arpH1, Frame(lan, Out("10.9.1.1", Icmp, IpPackets.EchoRequest())), Wait(1000), Wait(1000), Wait(1000))),
        ];
    }

    private static (string, byte[])[] Router6()
    {
        const int lan = 0, wan = 1;
        var lanMac = MacAddress.FromName("gw/lan");
        var wanMac = MacAddress.FromName("gw/wan");
        const string h1 = "2001:db8::10", r1 = "2001:db8:2::20";
        byte[] Out(string dst, byte next, byte[] payload, byte hopLimit = 64) => Ipv6Packets.Ip(lanMac, H1, h1, dst, next, payload, hopLimit);
        var solicit = Frame(lan, Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode("2001:db8::1")), H1, h1,
            Ipv6Packets.SolicitedNode("2001:db8::1"), Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation("2001:db8::1", H1), 255));
        var advertiseR1 = Frame(wan, Ipv6Packets.Ip(wanMac, R1, r1, "fe80::1", Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourAdvertisement(r1, R1), 255));
        return
        [
            ("solicit-and-ping-router", Records(solicit, Frame(lan, Out("2001:db8::1", Ipv6Packets.Icmpv6, Ipv6Packets.EchoRequest())))),
            ("forward-after-discovery", Records(solicit, Frame(lan, Out(r1, Udp, IpPackets.Udp(4000, 53))), advertiseR1,
                Frame(wan, Ipv6Packets.Ip(wanMac, R1, r1, h1, Udp, IpPackets.Udp(53, 4000))))),
            ("errors", Records(solicit, advertiseR1, Frame(lan, Out(r1, Udp, IpPackets.Udp(4000, 33434), hopLimit: 1)),
                Frame(lan, Out(r1, Udp, IpPackets.Udp(4000, 5000, 1300))), Frame(lan, Out("2001:db8::1", Udp, IpPackets.Udp(4000, 9))),
                Frame(lan, Out("2001:db8::1", 253, new byte[8])))),
            ("extension-headers-to-router", Records(solicit,
                Frame(lan, Out("2001:db8::1", 0, [60, 0, 1, 4, 0, 0, 0, 0, 58, 0, 1, 4, 0, 0, 0, 0, .. Ipv6Packets.EchoRequest()])),
                Frame(lan, Out("2001:db8::1", 44, [17, 0, 0, 1, 0, 0, 0, 9, .. IpPackets.Udp(1, 2)])))),
            ("router-solicitation", Records(Frame(lan, Ipv6Packets.Ip(Ipv6Packets.GroupMac("ff02::2"), H1, "fe80::10", "ff02::2", Ipv6Packets.Icmpv6,
                Ipv6Packets.RouterSolicitation(H1), 255)), Wait(1000), Wait(1000))),
            ("discovery-timeout", Records(solicit, Frame(lan, Out("2001:db8:9::1", Ipv6Packets.Icmpv6, Ipv6Packets.EchoRequest())),
                Wait(1000), Wait(1000), Wait(1000))),
        ];
    }

    private static (string, byte[])[] Nat()
    {
        const int lan = 0, wan = 1;
        var lanMac = MacAddress.FromName("gw/lan");
        var wanMac = MacAddress.FromName("gw/wan");
        byte[] Inside(string dst, byte protocol, byte[] l4) =>
            Frame(lan, IpPackets.WithL4Checksum(IpPackets.Ip(lanMac, H1, "10.0.0.10", dst, protocol, l4)));
        byte[] Outside(string dst, byte protocol, byte[] l4) =>
            Frame(wan, IpPackets.WithL4Checksum(IpPackets.Ip(wanMac, R1, "203.0.113.1", dst, protocol, l4)));
        var teach = Records(Frame(lan, IpPackets.Arp(1, MacAddress.Broadcast, H1, "10.0.0.10", default, "10.0.0.1")),
            Frame(lan, IpPackets.Arp(1, MacAddress.Broadcast, H2, "10.0.0.11", default, "10.0.0.1")),
            Frame(wan, IpPackets.Arp(1, MacAddress.Broadcast, R1, "203.0.113.1", default, "203.0.113.2")));
        return
        [
            ("udp-out-and-back", Records(teach, Inside("198.51.100.7", Udp, IpPackets.Udp(5000, 53)),
                Outside("203.0.113.2", Udp, IpPackets.Udp(53, 40000)))),
            ("tcp-handshake-out", Records(teach, Inside("198.51.100.7", Tcp, IpPackets.Tcp(0, 5000, 80, Syn)),
                Outside("203.0.113.2", Tcp, IpPackets.Tcp(0, 80, 40000, Syn | Ack)), Inside("198.51.100.7", Tcp, IpPackets.Tcp(0, 5000, 80, Ack)))),
            ("ping-out-and-back", Records(teach, Inside("198.51.100.7", Icmp, IpPackets.EchoRequest(ident: 99)),
                Outside("203.0.113.2", Icmp, EchoReply(IpPackets.EchoRequest(ident: 40000))))),
            ("icmp-error-for-session", Records(teach, Inside("198.51.100.7", Udp, IpPackets.Udp(5000, 33434)),
                Outside("203.0.113.2", Icmp, IcmpErrorQuoting(IpPackets.Ip(MacAddress.Broadcast, wanMac, "203.0.113.2", "198.51.100.7", Udp,
                    IpPackets.Udp(40000, 33434)))))),
            ("forward-tcp-and-udp", Records(teach, Outside("203.0.113.2", Tcp, IpPackets.Tcp(0, 6000, 8080, Syn)),
                Outside("203.0.113.2", Udp, IpPackets.Udp(6000, 5353)))),
            ("hairpin", Records(teach, Inside("203.0.113.2", Tcp, IpPackets.Tcp(0, 5000, 8080, Syn)))),
            ("session-timeout", Records(teach, Inside("198.51.100.7", Udp, IpPackets.Udp(5000, 53)), Wait(300_000), Wait(300_000),
                Outside("203.0.113.2", Udp, IpPackets.Udp(53, 40000)))),
        ];
    }

    private static byte[] EchoReply(byte[] request)
    {
        request[0] = 0;
        return request;
    }

    private static byte[] IcmpErrorQuoting(byte[] frame)
    {
        var quoted = frame.AsSpan(14, 28).ToArray();
        var error = new byte[8 + quoted.Length];
        error[0] = 3;
        error[1] = 3;
        quoted.CopyTo(error, 8);
        return error;
    }

    private static (string, byte[])[] Dhcp()
    {
        byte[] Message(byte type, MacAddress mac, uint xid = 1, string? ciaddr = null, string? giaddr = null, params (byte, byte[])[] options) =>
            Frame(0, DhcpFrames.Client(type, mac, xid, ciaddr is null ? default : Ipv4Address.Parse(ciaddr),
                giaddr is null ? default : Ipv4Address.Parse(giaddr), options: options));
        var requested = DhcpFrames.Address(50, "10.0.0.100");
        var serverId = DhcpFrames.Address(54, "10.0.0.2");
        return
        [
            ("discover-request-release", Records(Message(DhcpFrames.Discover, H1, options: DhcpFrames.Opt(55, 1, 3, 6, 15, 252)),
                Message(DhcpFrames.Request, H1, 1, null, null, requested, serverId, DhcpFrames.Opt(12, "h1"u8.ToArray())),
                Message(DhcpFrames.Release, H1, 2, "10.0.0.100", null, serverId))),
            ("init-reboot-and-renew", Records(Message(DhcpFrames.Request, H2, 3, null, null, requested),
                Message(DhcpFrames.Request, H2, 4, "10.0.0.100"))),
            ("relayed", Records(Message(DhcpFrames.Discover, H1, 5, null, "10.9.0.1", DhcpFrames.Opt(82, 1, 2, 0, 7)))),
            ("reservations", Records(Message(DhcpFrames.Discover, MacAddress.Parse("02:00:00:00:00:77"), 6),
                Message(DhcpFrames.Discover, H2, 7, null, null, DhcpFrames.Opt(61, 1, 2, 3)))),
            ("decline-and-inform", Records(Message(DhcpFrames.Decline, H1, 8, null, null, requested, serverId),
                Message(DhcpFrames.Inform, H2, 9, "10.0.0.50"))),
            ("pool-exhausted", Records(
                [.. Enumerable.Range(1, 6).SelectMany(i => Message(DhcpFrames.Discover, FrameBuilder.Mac(0x100 + i), (uint)i))])),
            ("lease-expiry", Records(Message(DhcpFrames.Discover, H1), Message(DhcpFrames.Request, H1, 1, null, null, requested, serverId),
                Wait(61_000), Message(DhcpFrames.Discover, H2, 2))),
        ];
    }

    private static (string, byte[])[] HomeRouter()
    {
        const int lan1 = 0, uplink = 2;
        var gwLan = MacAddress.FromName("gw/lan");
        var gwWan = MacAddress.FromName("gw/wan");
        return
        [
            ("dhcp-then-internet", Records(
                Frame(lan1, DhcpFrames.Client(DhcpFrames.Discover, H1, 1)),
                Frame(lan1, DhcpFrames.Client(DhcpFrames.Request, H1, 1, options: [DhcpFrames.Address(50, "192.168.10.100"), DhcpFrames.Address(54, "192.168.10.2")])),
                Frame(lan1, IpPackets.Arp(1, MacAddress.Broadcast, H1, "192.168.10.100", default, "192.168.10.1")),
                Frame(lan1, IpPackets.WithL4Checksum(IpPackets.Ip(gwLan, H1, "192.168.10.100", "203.0.113.1", Icmp, IpPackets.EchoRequest()))),
                Frame(uplink, IpPackets.Arp(2, gwWan, R1, "203.0.113.1", gwWan, "203.0.113.2")),
                Frame(uplink, IpPackets.WithL4Checksum(IpPackets.Ip(gwWan, R1, "203.0.113.1", "203.0.113.2", Icmp, EchoReply(IpPackets.EchoRequest(ident: 1024))))))),
            ("port-forward", Records(
                Frame(uplink, IpPackets.Arp(1, MacAddress.Broadcast, R1, "203.0.113.1", default, "203.0.113.2")),
                Frame(uplink, IpPackets.WithL4Checksum(IpPackets.Ip(gwWan, R1, "203.0.113.1", "203.0.113.2", Tcp, IpPackets.Tcp(0, 6000, 8080, Syn)))))),
        ];
    }

    private static (string, byte[])[] Topology() =>
    [
        .. Directory.GetFiles("topologies", "*.yaml").Order().Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f))),
        ("tiny", "functions: { s: { kind: switch } }\nports: { p: { tap: t } }\nlinks: [[p, s]]\n"u8.ToArray()),
    ];

    private static (string, byte[])[] LeaseFile() =>
    [
        ("journal", Encoding.ASCII.GetBytes(
            "10.0.0.100 bound 1767229200 02:00:00:00:00:10 hw:02:00:00:00:00:10 h1\n" +
            "10.0.0.101 released 1767229200 02:00:00:00:00:11 id:01:02:03 -\n" +
            "10.0.0.102 declined 1767229200 00:00:00:00:00:00 - -\n" +
            "10.0.0.101 free\n" +
            "10.9.0.50 bound 1767229200 02:00:00:00:00:12 hw:02:00:00:00:00:12 -\n")),
        ("torn-tail", Encoding.ASCII.GetBytes("10.0.0.100 bound 1767229200 02:00:00:00:00:10 hw:02:00:00:00:00:10 h1\n10.0.0.103 bou")),
    ];

    private static (string, byte[])[] DhcpClient()
    {
        byte[] Reply(byte type, params byte[] options)
        {
            var message = new byte[240 + 3 + options.Length + 1];
            message[0] = 2;
            message[1] = 1;
            message[2] = 6;
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), Harnesses.ClientTransaction);
            Ipv4Address.Parse("10.0.0.100").Write(message.AsSpan(16));
            Harnesses.ClientMac.Write(message.AsSpan(28));
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
            message[240] = 53;
            message[241] = 1;
            message[242] = type;
            options.CopyTo(message, 243);
            message[^1] = 255;
            return message;
        }
        return
        [
            ("offer", Reply(2, 54, 4, 10, 0, 0, 2, 51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 6, 4, 10, 0, 0, 1)),
            ("ack-with-times", Reply(5, 54, 4, 10, 0, 0, 2, 51, 4, 0, 0, 14, 16, 58, 4, 0, 0, 7, 8, 59, 4, 0, 0, 12, 96, 15, 3, 108, 97, 98)),
            ("nak", Reply(6, 54, 4, 10, 0, 0, 2, 56, 4, 98, 97, 100, 33)),
            ("split-option-and-overload", Reply(5, 54, 4, 10, 0, 0, 2, 6, 2, 10, 0, 6, 2, 0, 1, 52, 1, 3)),
        ];
    }

    private static (string, byte[])[] FrameSummary() =>
    [
        ("arp", IpPackets.Arp(1, MacAddress.Broadcast, H1, "10.0.0.10", default, "10.0.0.1")),
        ("icmp", IpPackets.Ip(H2, H1, "10.0.0.10", "10.0.0.11", Icmp, IpPackets.EchoRequest())),
        ("tcp", IpPackets.Ip(H2, H1, "10.0.0.10", "10.0.0.11", Tcp, IpPackets.Tcp(10, flags: Syn | Ack))),
        ("dhcp", DhcpFrames.Client(DhcpFrames.Discover, H1)),
        ("vlan", FrameBuilder.Tag(IpPackets.Ip(H2, H1, "10.0.0.10", "10.0.0.11", Udp, IpPackets.Udp(1, 2)), 42)),
        ("fragment", IpPackets.Ip(H2, H1, "10.0.0.10", "10.0.0.11", Udp, new byte[16], fragmentWord: 0x2001)),
    ];
}

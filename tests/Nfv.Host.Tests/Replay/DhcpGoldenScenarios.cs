using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Functions.Dhcp.Tests;
using Nfv.Ip.Headers;
using static Nfv.Host.Tests.Replay.GoldenScenarios;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The golden case over Pcaps/dhcp-golden.yaml (server 10.61.0.2, MAC 02:00:00:00:03:01, pool 10.61.0.100-109,
/// router 10.61.0.1, DNS 10.61.0.53, lease 1h). The client's messages come from the DHCP tests' frame builder; the
/// expected replies are written here field by field from RFC 2131 and the server's README, not recorded from a run.
/// </summary>
public static class DhcpGoldenScenarios
{
    /// <summary>The server's MAC (as in the topology file).</summary>
    public static readonly MacAddress ServerMac = MacAddress.Parse("02:00:00:00:03:01");

    /// <summary>The client.</summary>
    public static readonly MacAddress Client = FrameBuilder.Mac(0x31);

    /// <summary>All DHCP scenarios.</summary>
    public static IReadOnlyList<GoldenScenario> All => [Exchange()];

    /// <summary>
    /// The client DISCOVERs with the BROADCAST flag and a request list [1, 3, 6] (0 ms: OFFER of 10.61.0.100,
    /// broadcast, IP id 0); REQUESTs it (10 ms: ACK, IP id 1); ARPs for the server (20 ms: ARP reply); RELEASEs
    /// (30 ms: nothing is sent).
    /// </summary>
    public static GoldenScenario Exchange()
    {
        var server = Ipv4Address.Parse("10.61.0.2");
        var address = Ipv4Address.Parse("10.61.0.100");
        (byte, byte[]) requestList = DhcpFrames.Opt(55, 1, 3, 6);
        return new GoldenScenario("dhcp", "dhcp-golden.yaml", ["lan"],
            [
                ("lan", [
                    At(0, DhcpFrames.Client(DhcpFrames.Discover, Client, xid: 0xA1, broadcast: true, options: [requestList])),
                    At(10, DhcpFrames.Client(DhcpFrames.Request, Client, xid: 0xA1, broadcast: true,
                        options: [requestList, DhcpFrames.Address(50, "10.61.0.100"), DhcpFrames.Address(54, "10.61.0.2")])),
                    At(20, IpPackets.Arp(1, MacAddress.Broadcast, Client, "10.61.0.100", default, "10.61.0.2")),
                    At(30, DhcpFrames.Client(DhcpFrames.Release, Client, xid: 0xA2, ciaddr: address, ethernetDestination: ServerMac,
                        ipDestination: server, options: [DhcpFrames.Address(54, "10.61.0.2")])),
                ]),
            ],
            Outputs(("lan", [
                At(0, Reply(type: 2, xid: 0xA1, address, identification: 0)),
                At(10, Reply(type: 5, xid: 0xA1, address, identification: 1)),
                At(20, IpPackets.Arp(2, Client, ServerMac, "10.61.0.2", Client, "10.61.0.100")),
            ])));
    }

    // A BOOTREPLY to the broadcast address: op 2, Ethernet, the client's xid and flags, yiaddr, chaddr; then the
    // options in the server's order (type, server id, lease, T1, T2, mask, then the request list's 3 and 6), END,
    // zero padding to BOOTP's 300 bytes.
    private static byte[] Reply(byte type, uint xid, Ipv4Address yiaddr, ushort identification)
    {
        var message = new byte[300];
        message[0] = 2;
        message[1] = 1;
        message[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), xid);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), 0x8000);
        yiaddr.Write(message.AsSpan(16));
        Client.Write(message.AsSpan(28));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
        byte[] options =
        [
            53, 1, type,
            54, 4, 10, 61, 0, 2,
            51, 4, 0, 0, 0x0E, 0x10,
            58, 4, 0, 0, 0x07, 0x08,
            59, 4, 0, 0, 0x0C, 0x4E,
            1, 4, 255, 255, 255, 0,
            3, 4, 10, 61, 0, 1,
            6, 4, 10, 61, 0, 53,
            255,
        ];
        options.CopyTo(message.AsSpan(240));
        return DhcpFrames.Udp(message, ServerMac, MacAddress.Broadcast, Ipv4Address.Parse("10.61.0.2"), new Ipv4Address(uint.MaxValue),
            67, 68, identification);
    }
}

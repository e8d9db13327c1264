using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// A router with a NAT (<c>features: [masq]</c> on its wan interface) run offline by <c>nfv replay</c>: the topology loader
/// resolves the feature, the host builds it before the router, and frames cross both translated.
/// </summary>
public sealed class NatReplayTests : IDisposable
{
    private static readonly MacAddress LanMac = MacAddress.Parse("02:00:00:00:01:01");
    private static readonly MacAddress WanMac = MacAddress.Parse("02:00:00:00:02:01");
    private static readonly MacAddress Host1 = MacAddress.Parse("02:00:00:00:00:10");
    private static readonly MacAddress Remote = MacAddress.Parse("02:00:00:00:00:20");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Topology = """
        name: nat-replay
        functions:
          gw:
            kind: router
            interfaces:
              lan: { address: 10.0.0.1/24, mac: "02:00:00:00:01:01" }
              wan: { address: 192.0.2.1/24, mac: "02:00:00:00:02:01", features: [masq] }
          masq:
            kind: nat
            forwards: [ { protocol: udp, port: 5353, to: "10.0.0.10:53" } ]
        ports:
          lan: { tap: nat-lan }
          wan: { tap: nat-wan }
        links:
          - [lan, gw.lan]
          - [wan, gw.wan]
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-replay-nat-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_lan_host_reaches_the_outside_from_the_external_address_and_a_forward_reaches_it()
    {
        var lan = new List<PcapRecord>
        {
            new(T0, IpPackets.Arp(1, MacAddress.Broadcast, Host1, "10.0.0.10", default, "10.0.0.1")),
            new(T0.AddMilliseconds(10), Udp(LanMac, Host1, "10.0.0.10", "192.0.2.20", 40000, 53)),
        };
        var wan = new List<PcapRecord>
        {
            new(T0.AddMilliseconds(20), IpPackets.Arp(2, WanMac, Remote, "192.0.2.20", WanMac, "192.0.2.1")),
            new(T0.AddMilliseconds(30), Udp(WanMac, Remote, "192.0.2.20", "192.0.2.1", 53, 40000)),
            new(T0.AddMilliseconds(40), Udp(WanMac, Remote, "192.0.2.20", "192.0.2.1", 7777, 5353)),
            new(T0.AddMilliseconds(50), Udp(WanMac, Remote, "192.0.2.20", "10.0.0.10", 7777, 53)), // routed at the inside: refused
        };
        PcapFile.Write(Path.Combine(_temp, "in-lan.pcap"), lan);
        PcapFile.Write(Path.Combine(_temp, "in-wan.pcap"), wan);
        var topology = Path.Combine(_temp, "nat.yaml");
        File.WriteAllText(topology, Topology);

        var run = ReplayRun.Invoke(topology,
            "--in", $"lan={Path.Combine(_temp, "in-lan.pcap")}", "--in", $"wan={Path.Combine(_temp, "in-wan.pcap")}",
            "--out", $"lan={Path.Combine(_temp, "out-lan.pcap")}", "--out", $"wan={Path.Combine(_temp, "out-wan.pcap")}");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var outWan = PcapFile.Read(Path.Combine(_temp, "out-wan.pcap"));
        Assert.Equal(2, outWan.Count); // the ARP request, then the datagram that waited for it
        var translated = outWan[1].Frame;
        Assert.Equal("192.0.2.1", IpPackets.Src(translated));
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(translated)));
        Assert.True(UdpChecksumOk(translated));

        var outLan = PcapFile.Read(Path.Combine(_temp, "out-lan.pcap"));
        Assert.Equal(3, outLan.Count); // ARP reply, the reply to H1, the forwarded datagram
        Assert.Equal("10.0.0.10", IpPackets.Dst(outLan[1].Frame));
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(outLan[1].Frame)[2..]));
        Assert.True(UdpChecksumOk(outLan[1].Frame));
        Assert.Equal(53, BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(outLan[2].Frame)[2..]));
        Assert.Equal("192.0.2.20", IpPackets.Src(outLan[2].Frame));
        Assert.True(UdpChecksumOk(outLan[2].Frame));
    }

    private static byte[] Udp(MacAddress dst, MacAddress src, string from, string to, ushort fromPort, ushort toPort) =>
        IpPackets.WithL4Checksum(IpPackets.Ip(dst, src, from, to, Ipv4Header.ProtocolUdp, IpPackets.Udp(fromPort, toPort)));

    private static bool UdpChecksumOk(byte[] frame)
    {
        var copy = (byte[])frame.Clone();
        var l4 = IpPackets.L4(copy);
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(l4[6..]);
        IpPackets.WithL4Checksum(copy);
        return stored != 0 && stored == BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(copy)[6..]);
    }
}

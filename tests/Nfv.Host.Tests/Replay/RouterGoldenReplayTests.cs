using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using static Nfv.Host.Tests.Replay.RouterGoldenScenarios;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// The router's golden replay output decoded and checked field by field, independently of the byte-for-byte
/// comparison in <see cref="GoldenReplayTests"/>: addresses, TTLs, ARP fields, ICMP type and code, checksums.
/// </summary>
public sealed class RouterGoldenReplayTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-replay-router-").FullName;

    public RouterGoldenReplayTests() => ReplayRun.Scenario(Router(), _temp);

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Lan_gets_the_arp_reply_the_echo_reply_and_time_exceeded()
    {
        var lan = Output("lan");
        Assert.Equal(3, lan.Count);

        var arp = lan[0];
        AssertEthernet(arp, Host1, LanMac, 0x0806);
        AssertArp(arp, operation: 2, LanMac, "10.60.1.1", Host1, "10.60.1.10");

        var echo = lan[1];
        AssertEthernet(echo, Host1, LanMac, 0x0800);
        AssertIp(echo, "10.60.1.1", "10.60.1.10", Ipv4Header.ProtocolIcmp, ttl: 64);
        Assert.Equal([0, 0], IpPackets.L4(echo)[..2].ToArray());
        Assert.True(IpPackets.ChecksumOk(IpPackets.L4(echo)), "echo reply ICMP checksum");
        var request = Input("lan")[1];
        Assert.Equal(IpPackets.L4(request)[4..].ToArray(), IpPackets.L4(echo)[4..].ToArray());

        var error = lan[2];
        AssertEthernet(error, Host1, LanMac, 0x0800);
        AssertIp(error, "10.60.1.1", "10.60.1.10", Ipv4Header.ProtocolIcmp, ttl: 64);
        var icmp = IpPackets.L4(error);
        Assert.Equal([11, 0], icmp[..2].ToArray());
        Assert.True(IpPackets.ChecksumOk(icmp), "time exceeded ICMP checksum");
        // The quote is the offending datagram as it arrived: TTL 1, header and the first 8 bytes at least.
        var offending = Input("lan")[3];
        Assert.Equal(1, IpPackets.Ttl(offending));
        Assert.Equal(IpPackets.IpOf(offending)[..28].ToArray(), icmp[8..36].ToArray());
    }

    [Fact]
    public void Wan_gets_the_arp_request_then_the_waiting_datagram_with_ttl_decremented()
    {
        var wan = Output("wan");
        Assert.Equal(2, wan.Count);

        var request = wan[0];
        AssertEthernet(request, MacAddress.Broadcast, WanMac, 0x0806);
        AssertArp(request, operation: 1, WanMac, "10.60.2.1", default, "10.60.2.10");

        var forwarded = wan[1];
        var sent = Input("lan")[2];
        AssertEthernet(forwarded, Host2, WanMac, 0x0800);
        AssertIp(forwarded, "10.60.1.10", "10.60.2.10", Ipv4Header.ProtocolUdp, ttl: (byte)(IpPackets.Ttl(sent) - 1));
        Assert.Equal(IpPackets.L4(sent).ToArray(), IpPackets.L4(forwarded).ToArray());
        Assert.Equal(sent.Length, forwarded.Length);
    }

    [Fact]
    public void The_datagram_waits_for_arp_and_leaves_when_the_reply_comes_in()
    {
        var wan = PcapFile.Read(Path.Combine(_temp, "out-wan.pcap")).Select(r => r.Time - GoldenScenarios.Start).ToArray();
        Assert.Equal([TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50)], wan);
    }

    private List<byte[]> Output(string port) =>
        PcapFile.Read(Path.Combine(_temp, $"out-{port}.pcap")).Select(r => r.Frame).ToList();

    private static List<byte[]> Input(string port) =>
        PcapFile.Read(GoldenFiles.Input(Router(), port)).Select(r => r.Frame).ToList();

    private static void AssertEthernet(byte[] frame, MacAddress destination, MacAddress source, ushort etherType)
    {
        Assert.Equal(destination, MacAddress.Read(frame));
        Assert.Equal(source, MacAddress.Read(frame.AsSpan(6)));
        Assert.Equal(etherType, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
    }

    private static void AssertIp(byte[] frame, string source, string destination, byte protocol, byte ttl)
    {
        Assert.Equal(0x45, frame[14]);
        Assert.Equal(frame.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(16)));
        Assert.Equal(source, IpPackets.Src(frame));
        Assert.Equal(destination, IpPackets.Dst(frame));
        Assert.Equal(protocol, frame[14 + 9]);
        Assert.Equal(ttl, IpPackets.Ttl(frame));
        Assert.True(IpPackets.IpChecksumOk(frame), "IP header checksum");
    }

    private static void AssertArp(byte[] frame, ushort operation, MacAddress senderMac, string senderIp, MacAddress targetMac, string targetIp)
    {
        var arp = frame.AsSpan(14);
        Assert.Equal(42, frame.Length);
        Assert.Equal([0, 1, 8, 0, 6, 4], arp[..6].ToArray());
        Assert.Equal(operation, BinaryPrimitives.ReadUInt16BigEndian(arp[6..]));
        Assert.Equal(senderMac, MacAddress.Read(arp[8..]));
        Assert.Equal(senderIp, Ipv4Address.Read(arp[14..]).ToString());
        Assert.Equal(targetMac, MacAddress.Read(arp[18..]));
        Assert.Equal(targetIp, Ipv4Address.Read(arp[24..]).ToString());
    }
}

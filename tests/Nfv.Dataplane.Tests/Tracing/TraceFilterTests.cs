using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Tracing;
using Nfv.Ip.Headers;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Dataplane.Tests.Tracing;

public class TraceFilterTests
{
    private static readonly Ipv4Address H1 = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address H2 = Ipv4Address.Parse("10.0.0.2");

    private static byte[] Ip(byte protocol, Ipv4Address source, Ipv4Address destination, ushort sourcePort = 0, ushort destinationPort = 0, int vlan = 0)
    {
        var frame = Ethernet(Mac(2), Mac(1), 46, EthernetHeader.TypeIpv4);
        Ipv4Header.Write(frame.AsSpan(14), 46, 1, 64, protocol, source, destination);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), destinationPort);
        return vlan == 0 ? frame : Tag(frame, vlan);
    }

    private static byte[] Arp(Ipv4Address sender, Ipv4Address target)
    {
        var frame = Ethernet(MacAddress.Broadcast, Mac(1), 46, EthernetHeader.TypeArp);
        ArpHeader.Write(frame.AsSpan(14), ArpHeader.OperationRequest, Mac(1), sender, default, target);
        return frame;
    }

    private static TraceFilter Parse(string text)
    {
        Assert.True(TraceFilter.TryParse(text, out var filter, out var error), error);
        return filter;
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("icmp", true)]
    [InlineData("udp", false)]
    [InlineData("ip and icmp and host 10.0.0.2", true)]
    [InlineData("host 10.0.0.3", false)]
    [InlineData("src 10.0.0.1 dst 10.0.0.2", true)]
    [InlineData("src 10.0.0.2", false)]
    [InlineData("arp", false)]
    [InlineData("ether 0x0800", true)]
    [InlineData("proto 1", true)]
    [InlineData("mac 02:00:00:00:00:02", true)]
    [InlineData("mac 02:00:00:00:00:09", false)]
    [InlineData("vlan 10", false)]
    public void Terms_all_must_hold_for_an_icmp_echo_from_h1_to_h2(string text, bool expected) =>
        Assert.Equal(expected, Parse(text).Matches(Ip(Ipv4Header.ProtocolIcmp, H1, H2)));

    [Fact]
    public void Host_matches_arp_sender_and_target_and_port_matches_either_side_of_udp()
    {
        Assert.True(Parse("arp host 10.0.0.2").Matches(Arp(H1, H2)));
        Assert.True(Parse("host 10.0.0.1").Matches(Arp(H1, H2)));
        Assert.False(Parse("icmp").Matches(Arp(H1, H2)));
        var dhcp = Ip(Ipv4Header.ProtocolUdp, Ipv4Address.Any, Ipv4Address.Parse("255.255.255.255"), 68, 67);
        Assert.True(Parse("udp port 67").Matches(dhcp));
        Assert.True(Parse("port 68").Matches(dhcp));
        Assert.False(Parse("tcp port 67").Matches(dhcp));
        Assert.False(Parse("port 53").Matches(dhcp));
    }

    [Fact]
    public void Vlan_and_the_ethertype_behind_the_tag_are_matched()
    {
        var tagged = Ip(Ipv4Header.ProtocolUdp, H1, H2, 1000, 2000, vlan: 10);
        Assert.True(Parse("vlan 10 udp port 2000").Matches(tagged));
        Assert.False(Parse("vlan 20").Matches(tagged));
        Assert.True(Parse("ip").Matches(tagged));
    }

    [Fact]
    public void In_names_the_ingress_port_and_is_left_to_the_caller()
    {
        var filter = Parse("in p1 and icmp");
        Assert.Equal("p1", filter.IngressPort);
        Assert.Equal("in p1 and icmp", filter.Text);
        Assert.True(filter.Matches(Ip(Ipv4Header.ProtocolIcmp, H1, H2)));
    }

    [Theory]
    [InlineData("hots 10.0.0.1", "unknown term 'hots'")]
    [InlineData("host", "'host' needs a value (an IPv4 or IPv6 address such as 10.0.0.1 or 2001:db8::1)")]
    [InlineData("host 10.0.0", "'host' needs an IPv4 or IPv6 address such as 10.0.0.1 or 2001:db8::1, not '10.0.0'")]
    [InlineData("vlan 4095", "'vlan' needs a VLAN id from 1 to 4094, not '4095'")]
    [InlineData("port http", "'port' needs a UDP or TCP port number from 0 to 65535, not 'http'")]
    [InlineData("ether ip", "'ether' needs an EtherType such as 0x0806, not 'ip'")]
    [InlineData("in p1 in p2", "a frame arrives on one port")]
    [InlineData("and icmp", "unknown term 'and'")]
    public void Bad_filters_are_refused_saying_what_is_wrong(string text, string message)
    {
        Assert.False(TraceFilter.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var filter = Parse("vlan 10 udp host 10.0.0.2 port 2000");
        var frame = Ip(Ipv4Header.ProtocolUdp, H1, H2, 1000, 2000, vlan: 10);
        for (int i = 0; i < 100; i++)
        {
            filter.Matches(frame);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        int matched = 0;
        for (int i = 0; i < 10_000; i++)
        {
            matched += filter.Matches(frame) ? 1 : 0;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_000, matched);
    }
}

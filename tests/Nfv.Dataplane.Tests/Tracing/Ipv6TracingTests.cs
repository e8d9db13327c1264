using Nfv.Dataplane.Tracing;
using Nfv.Testing;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Dataplane.Tests.Tracing;

/// <summary>IPv6 frames in trace filters and one-line summaries (trace and capture output).</summary>
public class Ipv6TracingTests
{
    private static readonly byte[] Echo = Ipv6Packets.Ip(Mac(2), Mac(1), "2001:db8::1", "2001:db8::2", Ipv6Packets.Icmpv6, Ipv6Packets.EchoRequest(7, 3));
    private static readonly byte[] Udp = Ipv6Packets.Ip(Mac(2), Mac(1), "2001:db8::1", "2001:db8::2", 17, IpPackets.Udp(5000, 53));
    // UDP behind a destination options header.
    private static readonly byte[] UdpAfterOptions = Ipv6Packets.Ip(Mac(2), Mac(1), "2001:db8::1", "2001:db8::2", 60,
        [17, 0, 1, 4, 0, 0, 0, 0, .. IpPackets.Udp(5000, 53)]);

    private static TraceFilter Parse(string text)
    {
        Assert.True(TraceFilter.TryParse(text, out var filter, out var error), error);
        return filter;
    }

    [Theory]
    [InlineData("ipv6 icmp6", true)]
    [InlineData("icmp", false)]
    [InlineData("host 2001:db8::2", true)]
    [InlineData("src 2001:db8::1 dst 2001:db8::2", true)]
    [InlineData("src 2001:db8::2", false)]
    [InlineData("host 10.0.0.2", false)]
    [InlineData("proto 58", true)]
    [InlineData("udp", false)]
    public void Terms_apply_to_an_icmpv6_echo(string text, bool expected) => Assert.Equal(expected, Parse(text).Matches(Echo));

    [Fact]
    public void Udp_and_ports_are_found_past_extension_headers()
    {
        Assert.True(Parse("udp port 53").Matches(Udp));
        Assert.True(Parse("udp port 53").Matches(UdpAfterOptions));
        Assert.False(Parse("tcp").Matches(UdpAfterOptions));
        Assert.False(Parse("port 54").Matches(UdpAfterOptions));
    }

    [Fact]
    public void A_bad_address_says_both_families_are_taken()
    {
        Assert.False(TraceFilter.TryParse("host 2001:db8::zz", out _, out var error));
        Assert.Contains("IPv4 or IPv6 address", error);
    }

    [Fact]
    public void Summaries_name_addresses_hop_limit_and_the_icmpv6_message()
    {
        Assert.EndsWith(", IPv6 2001:db8::1 > 2001:db8::2, hlim 64, ICMPv6 echo request id 7 seq 3", FrameSummary.Describe(Echo));
        Assert.EndsWith(", IPv6 2001:db8::1 > 2001:db8::2, hlim 64, UDP 5000 > 53", FrameSummary.Describe(UdpAfterOptions));
        var solicitation = Ipv6Packets.Ip(Mac(2), Mac(1), "fe80::1", "ff02::1:ff00:2", 58, Ipv6Packets.NeighbourSolicitation("2001:db8::2", Mac(1)), 255);
        Assert.EndsWith("hlim 255, ICMPv6 neighbor solicitation who-has 2001:db8::2", FrameSummary.Describe(solicitation));
        byte[] tooBig = [2, 0, 0, 0, 0, 0, 5, 0, .. new byte[40]];
        Assert.EndsWith("ICMPv6 packet too big mtu 1280", FrameSummary.Describe(Ipv6Packets.Ip(Mac(2), Mac(1), "2001:db8::1", "2001:db8::2", 58, tooBig)));
        var broken = Ipv6Packets.Ip(Mac(2), Mac(1), "2001:db8::1", "2001:db8::2", 60, [17, 9, 0, 0, 0, 0, 0, 0]);
        Assert.EndsWith(", bad extension headers", FrameSummary.Describe(broken));
    }
}

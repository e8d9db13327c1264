using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Router.Tests;

public class Ipv6HeaderTests
{
    [Theory]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("fe80::5054:ff:fe12:3456", "fe80::5054:ff:fe12:3456")]
    [InlineData("::", "::")]
    public void Addresses_parse_and_print_in_rfc_5952_form(string text, string printed)
    {
        Assert.True(Ipv6Address.TryParse(text, out var address));
        Assert.Equal(printed, address.ToString());
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[2001:db8::1]")]
    [InlineData("2001:db8::1::2")]
    [InlineData("")]
    public void Text_that_is_not_a_plain_ipv6_address_is_refused(string text) =>
        Assert.False(Ipv6Address.TryParse(text, out _));

    [Fact]
    public void The_link_local_address_of_a_mac_is_its_modified_eui_64() =>
        Assert.Equal("fe80::5054:ff:fe12:3456", Ipv6Address.LinkLocal(MacAddress.Parse("52:54:00:12:34:56")).ToString());

    [Fact]
    public void Solicited_node_addresses_and_multicast_macs_follow_rfc_4291_and_2464()
    {
        var address = Ipv6Address.Parse("2001:db8::1:2:3456");
        Assert.Equal("ff02::1:ff02:3456", address.SolicitedNode.ToString());
        Assert.Equal("33:33:ff:02:34:56", address.SolicitedNode.MulticastMac.ToString());
        Assert.Equal("33:33:00:00:00:01", Ipv6Address.AllNodes.MulticastMac.ToString());
    }

    [Theory]
    [InlineData("fe80::1", false, true, false)]
    [InlineData("febf::1", false, true, false)]
    [InlineData("fec0::1", false, false, false)]
    [InlineData("ff02::1", true, false, true)]
    [InlineData("ff01::1", true, false, true)]
    [InlineData("ff05::1:3", true, false, false)]
    [InlineData("2001:db8::1", false, false, false)]
    public void Scopes_are_read_from_the_address(string text, bool multicast, bool linkLocal, bool linkScopeMulticast)
    {
        var address = Ipv6Address.Parse(text);
        Assert.Equal(multicast, address.IsMulticast);
        Assert.Equal(linkLocal, address.IsLinkLocal);
        Assert.Equal(linkScopeMulticast, address.IsLinkScopeMulticast);
    }

    [Theory]
    [InlineData("2001:db8:10::/48", "2001:db8:10:ffff::1", true)]
    [InlineData("2001:db8:10::/48", "2001:db8:11::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("2001:db8::1/128", "2001:db8::1", true)]
    [InlineData("2001:db8::1/128", "2001:db8::2", false)]
    [InlineData("2001:db8::1/127", "2001:db8::0", true)]
    public void A_prefix_contains_the_addresses_that_share_its_bits(string prefix, string address, bool inside) =>
        Assert.Equal(inside, Ipv6Prefix.Parse(prefix).Contains(Ipv6Address.Parse(address)));

    [Theory]
    [InlineData("2001:db8::/129")]
    [InlineData("2001:db8::/")]
    [InlineData("2001:db8::/-1")]
    [InlineData("10.0.0.0/8")]
    public void Bad_prefixes_are_refused(string text) => Assert.False(Ipv6Prefix.TryParse(text, out _));

    [Fact]
    public void The_icmpv6_checksum_covers_the_pseudo_header()
    {
        // An echo request from 2001:db8::1 to 2001:db8::2, identifier 0x1234, sequence 1, payload "abcd".
        byte[] icmp = [128, 0, 0, 0, 0x12, 0x34, 0, 1, (byte)'a', (byte)'b', (byte)'c', (byte)'d'];
        var source = Ipv6Address.Parse("2001:db8::1");
        var destination = Ipv6Address.Parse("2001:db8::2");
        Icmpv6Header.UpdateChecksum(icmp, source, destination);

        Assert.True(Icmpv6Header.IsChecksumValid(icmp, source, destination));
        Assert.False(Icmpv6Header.IsChecksumValid(icmp, source, Ipv6Address.Parse("2001:db8::3")));
        // The same sum PacketDotNet computes for the datagram.
        var ip = new byte[Ipv6Header.Size + icmp.Length];
        Ipv6Header.Write(ip, icmp.Length, Ipv6Header.ProtocolIcmpv6, 64, source, destination);
        icmp.CopyTo(ip, Ipv6Header.Size);
        var parsed = new PacketDotNet.IPv6Packet(new PacketDotNet.Utils.ByteArraySegment(ip));
        var icmpPacket = parsed.Extract<PacketDotNet.IcmpV6Packet>();
        ushort written = BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(2));
        icmpPacket.UpdateCalculatedValues();
        Assert.Equal(written, icmpPacket.Checksum);
    }

    [Fact]
    public void An_upper_layer_header_is_found_after_extension_headers()
    {
        // Hop-by-hop (8 bytes) -> destination options (16 bytes) -> UDP.
        var ip = Datagram(Ipv6Header.HopByHop, [Ipv6Header.DestinationOptions, 0, 0, 0, 0, 0, 0, 0,
            Ipv6Header.ProtocolUdp, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(Ipv6ChainResult.Found, Ipv6Header.FindUpperLayer(ip, out byte protocol, out int offset, out bool fragment));
        Assert.Equal(Ipv6Header.ProtocolUdp, protocol);
        Assert.Equal(Ipv6Header.Size + 24, offset);
        Assert.False(fragment);
    }

    [Fact]
    public void A_fragment_header_marks_a_piece_unless_it_is_an_atomic_fragment()
    {
        var piece = Datagram(Ipv6Header.Fragment, [Ipv6Header.ProtocolUdp, 0, 0, 1, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8]); // M set
        var atomic = Datagram(Ipv6Header.Fragment, [Ipv6Header.ProtocolUdp, 0, 0, 0, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(Ipv6ChainResult.Found, Ipv6Header.FindUpperLayer(piece, out _, out _, out bool isPiece));
        Assert.True(isPiece);
        Assert.Equal(Ipv6ChainResult.Found, Ipv6Header.FindUpperLayer(atomic, out _, out int offset, out bool isAtomicPiece));
        Assert.False(isAtomicPiece);
        Assert.Equal(Ipv6Header.Size + 8, offset);
    }

    [Fact]
    public void Chains_that_run_past_the_datagram_or_loop_too_long_are_refused()
    {
        var truncated = Datagram(Ipv6Header.DestinationOptions, [Ipv6Header.ProtocolUdp, 3, 0, 0, 0, 0, 0, 0]); // says 32 bytes
        var stub = Datagram(Ipv6Header.Routing, [Ipv6Header.ProtocolUdp, 0, 0]);
        var late = Datagram(Ipv6Header.DestinationOptions, [Ipv6Header.HopByHop, 0, 0, 0, 0, 0, 0, 0, Ipv6Header.ProtocolUdp, 0, 0, 0, 0, 0, 0, 0]);
        var chain = new List<byte>();
        for (int i = 0; i < Ipv6Header.MaxExtensionHeaders + 1; i++)
        {
            chain.AddRange([Ipv6Header.DestinationOptions, 0, 0, 0, 0, 0, 0, 0]);
        }
        var endless = Datagram(Ipv6Header.DestinationOptions, [.. chain]);

        Assert.Equal(Ipv6ChainResult.Truncated, Ipv6Header.FindUpperLayer(truncated, out _, out _, out _));
        Assert.Equal(Ipv6ChainResult.Truncated, Ipv6Header.FindUpperLayer(stub, out _, out _, out _));
        Assert.Equal(Ipv6ChainResult.Malformed, Ipv6Header.FindUpperLayer(late, out _, out _, out _));
        Assert.Equal(Ipv6ChainResult.Malformed, Ipv6Header.FindUpperLayer(endless, out _, out _, out _));
    }

    private static byte[] Datagram(byte nextHeader, byte[] payload)
    {
        var ip = new byte[Ipv6Header.Size + payload.Length];
        Ipv6Header.Write(ip, payload.Length, nextHeader, 64, Ipv6Address.Parse("2001:db8::1"), Ipv6Address.Parse("2001:db8::2"));
        payload.CopyTo(ip, Ipv6Header.Size);
        return ip;
    }
}

using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>Relayed requests (giaddr), and the options: request list, size limit, classless routes, typed custom options.</summary>
public sealed class RelayAndOptionTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA1);
    private static readonly MacAddress Relay = FrameBuilder.Mac(0xEE);
    private readonly DhcpHarness _dhcp = new();

    public void Dispose() => _dhcp.Dispose();

    private byte[] Relayed(byte type, string giaddr, params (byte, byte[])[] options) => Client(type, A,
        giaddr: Ipv4Address.Parse(giaddr), options: options, ethernetSource: Relay, ethernetDestination: _dhcp.ServerMac,
        ipDestination: DhcpHarness.Server, sourcePort: 67);

    [Fact]
    public void A_relayed_discover_is_served_from_the_giaddr_subnet_and_answered_to_the_relay()
    {
        var offer = _dhcp.Send(Relayed(Discover, "10.9.0.1"));

        Assert.NotNull(offer);
        Assert.Equal("10.9.0.50", offer.Yiaddr);
        Assert.Equal("10.9.0.1", offer.OptionAddress(3));
        Assert.Equal(Relay, offer.EthernetDestination);
        Assert.Equal("10.9.0.1", offer.IpDestination.ToString());
        Assert.Equal(67, offer.DestinationPort);
        // Inherited from the top level: DNS and the lease time.
        Assert.Equal("10.0.0.1", offer.OptionAddress(6));
        Assert.Equal(3600u, offer.OptionUInt32(51));
    }

    [Fact]
    public void A_relayed_request_is_acked_through_the_relay_and_a_relayed_nak_asks_for_broadcast()
    {
        var offer = _dhcp.Send(Relayed(Discover, "10.9.0.1"))!;
        var ack = _dhcp.Send(Relayed(Request, "10.9.0.1", Address(50, offer.Yiaddr), Address(54, "10.0.0.2")));
        Assert.Equal(5, ack!.Type);
        Assert.Equal("10.9.0.1", ack.IpDestination.ToString());

        var nak = _dhcp.Send(Relayed(Request, "10.9.0.1", Address(50, "10.0.0.150")));
        Assert.Equal(6, nak!.Type);
        Assert.Equal(0x8000, nak.Flags & 0x8000);
        Assert.Equal("10.9.0.1", nak.IpDestination.ToString());
    }

    [Fact]
    public void A_relay_on_no_subnet_the_server_serves_gets_nothing()
    {
        Assert.Null(_dhcp.Send(Relayed(Discover, "172.16.5.1")));

        _dhcp.Emit.AssertDropped(DhcpDrop.NoSubnet);
    }

    [Fact]
    public void Relay_agent_information_is_echoed_last()
    {
        var offer = _dhcp.Send(Relayed(Discover, "10.9.0.1", Opt(82, 1, 3, (byte)'p', (byte)'1', (byte)'0')))!;

        Assert.Equal([1, 3, (byte)'p', (byte)'1', (byte)'0'], offer.Options[82]);
    }

    [Fact]
    public void Options_that_do_not_fit_the_clients_maximum_message_size_are_left_out_and_counted()
    {
        using var dhcp = new DhcpHarness("""
            dhcp:
              kind: dhcp
              address: 10.0.0.2/24
              pool: 10.0.0.100-10.0.0.109
              router: 10.0.0.1
              options:
                - { code: 224, type: hex, value: "AA" }
                - { code: 225, type: string, value: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }
                - { code: 226, type: string, value: "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy" }
            """);

        // Without option 57 the limit is 576 bytes: one of the two long options cannot fit.
        var small = dhcp.Send(Client(Discover, A, options: [Opt(55, 1, 3, 224, 225, 226)]))!;
        Assert.True(small.IpLength <= 576, $"{small.IpLength} bytes");
        Assert.True(small.Options.ContainsKey(225) && small.Options.ContainsKey(224) && small.Options.ContainsKey(3));
        Assert.False(small.Options.ContainsKey(226));
        Assert.Equal(1, dhcp.Counters[DhcpEvent.OptionsLeftOut]);

        var large = dhcp.Send(Client(Discover, FrameBuilder.Mac(0xB2), options: [Opt(55, 1, 3, 224, 225, 226), Opt(57, 0x05, 0xDC)]))!;
        Assert.True(large.Options.ContainsKey(226));
    }

    [Fact]
    public void Classless_static_routes_carry_the_default_route_too()
    {
        using var dhcp = new DhcpHarness("""
            dhcp:
              kind: dhcp
              address: 10.0.0.2/24
              pool: 10.0.0.100-10.0.0.109
              router: 10.0.0.1
              routes:
                - { prefix: 10.20.0.0/16, via: 10.0.0.254 }
                - { prefix: 192.168.7.128/25, via: 10.0.0.253 }
            """);

        var offer = dhcp.Send(Client(Discover, A, options: [Opt(55, 121, 3)]))!;

        // RFC 3442: width, significant octets, router; a client with 121 ignores option 3, so 0/0 is in 121 as well.
        Assert.Equal([16, 10, 20, 10, 0, 0, 254, 25, 192, 168, 7, 128, 10, 0, 0, 253, 0, 10, 0, 0, 1], offer.Options[121]);
    }

    [Fact]
    public void Custom_options_are_encoded_by_their_type()
    {
        using var dhcp = new DhcpHarness("""
            dhcp:
              kind: dhcp
              address: 10.0.0.2/24
              pool: 10.0.0.100-10.0.0.109
              mtu: 1400
              ntp: [10.0.0.123]
              options:
                - { code: 66, type: string, value: "tftp.lab" }
                - { code: 150, type: addresses, value: [10.0.0.5, 10.0.0.6] }
                - { code: 23, type: uint8, value: 64 }
                - { code: 211, type: uint16, value: 1000 }
                - { code: 2, type: uint32, value: 3600 }
                - { code: 19, type: bool, value: false }
                - { code: 43, type: hex, value: "01:04:c0:a8:00:01" }
            """);

        var offer = dhcp.Send(Client(Discover, A))!;

        Assert.Equal("tftp.lab"u8.ToArray(), offer.Options[66]);
        Assert.Equal([10, 0, 0, 5, 10, 0, 0, 6], offer.Options[150]);
        Assert.Equal([64], offer.Options[23]);
        Assert.Equal([0x03, 0xE8], offer.Options[211]);
        Assert.Equal([0, 0, 0x0E, 0x10], offer.Options[2]);
        Assert.Equal([0], offer.Options[19]);
        Assert.Equal([1, 4, 0xc0, 0xa8, 0, 1], offer.Options[43]);
        Assert.Equal([0x05, 0x78], offer.Options[26]);
        Assert.Equal("10.0.0.123", offer.OptionAddress(42));
    }
}

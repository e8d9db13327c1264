using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using PacketDotNet;
using PacketDotNet.Utils;

namespace Nfv.Lab.Tests;

/// <summary>The built-in client's messages, read back by PacketDotNet (an independent decoder), and the replies it accepts.</summary>
public class DhcpClientMessageTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:00:00:00:00:42");

    [Fact]
    public void A_discover_asks_for_broadcast_replies_and_the_options_a_host_needs()
    {
        var bytes = DhcpClientMessage.Build(DhcpClientMessageType.Discover, 0x1234ABCD, Mac, 3, default, broadcast: true,
            requestedAddress: Ipv4Address.Parse("10.0.0.57"), hostName: "h1");

        var dhcp = new DhcpV4Packet(new ByteArraySegment(bytes), null);
        Assert.Equal(DhcpV4MessageType.Discover, dhcp.MessageType);
        Assert.Equal(DhcpV4Operation.BootRequest, dhcp.Operation);
        Assert.Equal(0x1234ABCDu, dhcp.Xid);
        Assert.Equal(0x8000, dhcp.Flags);
        Assert.Equal(3, dhcp.Secs);
        Assert.Equal("020000000042", dhcp.ClientHardwareAddress.ToString());
        var options = dhcp.GetOptions().ToDictionary(o => (byte)o.OptionType, o => o.Data);
        Assert.Equal([10, 0, 0, 57], options[50]);
        Assert.Equal([1, 3, 6, 15, 51, 54, 58, 59], options[55]);
        Assert.Equal("h1"u8.ToArray(), options[12]);
        Assert.Equal([1, 2, 0, 0, 0, 0, 0x42], options[61]);
        Assert.True(bytes.Length >= 300, "BOOTP relays expect at least 300 bytes");
    }

    [Fact]
    public void A_renewal_request_carries_the_address_in_ciaddr_and_no_server_or_requested_address()
    {
        var bytes = DhcpClientMessage.Build(DhcpClientMessageType.Request, 7, Mac, 0, Ipv4Address.Parse("10.0.0.57"), broadcast: false);

        var dhcp = new DhcpV4Packet(new ByteArraySegment(bytes), null);
        Assert.Equal(DhcpV4MessageType.Request, dhcp.MessageType);
        Assert.Equal("10.0.0.57", dhcp.ClientAddress.ToString());
        Assert.Equal(0, dhcp.Flags);
        var codes = dhcp.GetOptions().Select(o => (byte)o.OptionType).ToList();
        Assert.DoesNotContain((byte)50, codes);
        Assert.DoesNotContain((byte)54, codes);
    }

    [Fact]
    public void A_release_names_the_server_and_asks_for_nothing()
    {
        var bytes = DhcpClientMessage.Build(DhcpClientMessageType.Release, 7, Mac, 0, Ipv4Address.Parse("10.0.0.57"), broadcast: false,
            serverId: Ipv4Address.Parse("10.0.0.1"), hostName: "h1");

        var dhcp = new DhcpV4Packet(new ByteArraySegment(bytes), null);
        Assert.Equal(DhcpV4MessageType.Release, dhcp.MessageType);
        var options = dhcp.GetOptions().ToDictionary(o => (byte)o.OptionType, o => o.Data);
        Assert.Equal([10, 0, 0, 1], options[54]);
        Assert.False(options.ContainsKey(55));
        Assert.False(options.ContainsKey(12));
    }

    [Fact]
    public void An_ack_is_read_with_every_option_the_client_uses()
    {
        var reply = ServerReply.Build(5, 99, Mac, "10.0.0.57", "10.0.0.1", leaseSeconds: 600, extra: [(1, [255, 255, 255, 0]),
            (3, [10, 0, 0, 1, 10, 0, 0, 2]), (6, [10, 0, 0, 53]), (15, "lab.test"u8.ToArray()), (58, [0, 0, 0, 100]), (59, [0, 0, 1, 0])]);

        var ack = DhcpClientMessage.ParseReply(reply, 99, Mac)!;

        Assert.Equal(DhcpClientMessageType.Ack, ack.Type);
        Assert.Equal(Ipv4Prefix.Parse("10.0.0.57/24"), ack.Prefix);
        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), ack.ServerId);
        Assert.Equal([Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2")], ack.Routers);
        Assert.Equal([Ipv4Address.Parse("10.0.0.53")], ack.DnsServers);
        Assert.Equal("lab.test", ack.Domain);
        Assert.Equal(TimeSpan.FromSeconds(600), ack.LeaseTime);
        Assert.Equal(TimeSpan.FromSeconds(100), ack.RenewalTime);
        Assert.Equal(TimeSpan.FromSeconds(256), ack.RebindingTime);
        Assert.Equal("10.0.0.57/24 router 10.0.0.1 dns 10.0.0.53 domain lab.test lease 600 s from 10.0.0.1", ack.ToLease("BOUND").ToString());
    }

    [Fact]
    public void Options_split_in_two_are_joined_and_overloaded_fields_are_read()
    {
        var reply = ServerReply.Build(2, 99, Mac, "10.0.0.57", "10.0.0.1", extra: [(6, [10, 0, 0, 53]), (6, [10, 0, 0, 54]), (52, [1])]);
        // option 52 = 1: the file field holds more options; put the subnet mask there.
        reply[108] = 1;
        reply[109] = 4;
        reply[110] = 255;
        reply[111] = 255;
        reply[112] = 0;
        reply[113] = 0;
        reply[114] = 255;

        var offer = DhcpClientMessage.ParseReply(reply, 99, Mac)!;

        Assert.Equal([Ipv4Address.Parse("10.0.0.53"), Ipv4Address.Parse("10.0.0.54")], offer.DnsServers);
        Assert.Equal(16, offer.Prefix.Length);
    }

    [Fact]
    public void Without_a_mask_the_prefix_is_the_address_class()
    {
        var offer = DhcpClientMessage.ParseReply(ServerReply.Build(2, 1, Mac, "172.16.5.9", "172.16.0.1"), 1, Mac)!;

        Assert.Equal(Ipv4Prefix.Parse("172.16.5.9/16"), offer.Prefix);
    }

    public static TheoryData<string> Refused => ["another xid", "another mac", "a request", "no cookie", "truncated", "no type", "option past the end"];

    [Theory]
    [MemberData(nameof(Refused))]
    public void Replies_not_for_us_or_not_well_formed_are_refused(string what)
    {
        var reply = ServerReply.Build(2, 99, Mac, "10.0.0.57", "10.0.0.1");
        uint xid = 99;
        var mac = Mac;
        switch (what)
        {
            case "another xid": xid = 100; break;
            case "another mac": mac = MacAddress.Parse("02:00:00:00:00:43"); break;
            case "a request": reply[0] = 1; break;
            case "no cookie": reply[236] = 0; break;
            case "truncated": reply = reply[..239]; break;
            case "no type": reply[240] = 0; reply[241] = 0; reply[242] = 0; break; // pad over option 53
            case "option past the end": reply = [.. reply[..^1], 6, 200, 10]; break;
        }

        Assert.Null(DhcpClientMessage.ParseReply(reply, xid, mac));
    }
}

/// <summary>Server replies built by hand for the client's tests.</summary>
internal static class ServerReply
{
    public static byte[] Build(byte type, uint xid, MacAddress mac, string yiaddr, string? serverId, uint? leaseSeconds = null,
        IEnumerable<(byte Code, byte[] Value)>? extra = null)
    {
        var options = new List<byte> { 53, 1, type };
        if (serverId is not null)
        {
            options.AddRange([54, 4, .. Bytes(serverId)]);
        }
        if (leaseSeconds is { } seconds)
        {
            var value = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, seconds);
            options.AddRange([51, 4, .. value]);
        }
        foreach (var (code, value) in extra ?? [])
        {
            options.AddRange([code, (byte)value.Length, .. value]);
        }
        options.Add(255);
        var message = new byte[240 + options.Count];
        message[0] = 2;
        message[1] = 1;
        message[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), xid);
        Ipv4Address.Parse(yiaddr).Write(message.AsSpan(16));
        mac.Write(message.AsSpan(28));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(236), 0x63825363);
        options.CopyTo(message, 240);
        return message;
    }

    public static byte[] Bytes(string address)
    {
        var bytes = new byte[4];
        Ipv4Address.Parse(address).Write(bytes);
        return bytes;
    }
}

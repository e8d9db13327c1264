using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

/// <summary>The IPv4 endpoint on its own, as a function other than the router (the DHCP server) uses it.</summary>
public class Ipv4EndpointTests
{
    private static readonly MacAddress Own = MacAddress.Parse("02:00:00:00:aa:01");
    private static readonly MacAddress Peer = FrameBuilder.Mac(0x42);

    private static Ipv4Endpoint Make() => new(
        [(Own, [Ipv4Prefix.Parse("10.5.0.2/24"), Ipv4Prefix.Parse("10.6.0.2/24")])],
        new ArpTable(16, TimeSpan.FromMinutes(5), 4, 8, TimeSpan.FromSeconds(1), 3, 1000));

    [Fact]
    public void Answers_requests_for_any_of_its_addresses_and_learns_the_asker()
    {
        var endpoint = Make();
        var emit = new RecordingEmitter();
        var packet = emit.Rent(IpPackets.Arp(1, MacAddress.Broadcast, Peer, "10.6.0.9", default, "10.6.0.2"), 0);
        Assert.Equal(ArpReceiveResult.Replied, endpoint.ReceiveArp(packet, 0, 0, emit, out int entry, out var sender));
        Assert.True(entry >= 0);
        Assert.Equal(Peer, sender);
        var reply = emit.SentTo(0).AsSpan(14);
        Assert.Equal("10.6.0.2", ArpHeader.SenderIp(reply).ToString());
        Assert.Equal(Own, ArpHeader.SenderMac(reply));
        Assert.True(endpoint.Arp.TryLookup(0, Ipv4Address.Parse("10.6.0.9"), 1, out var mac));
        Assert.Equal(Peer, mac);
    }

    [Fact]
    public void Ignores_requests_for_others_and_rejects_malformed_ones()
    {
        var endpoint = Make();
        var emit = new RecordingEmitter();
        var other = emit.Rent(IpPackets.Arp(1, MacAddress.Broadcast, Peer, "10.5.0.9", default, "10.5.0.3"), 0);
        Assert.Equal(ArpReceiveResult.Consumed, endpoint.ReceiveArp(other, 0, 0, emit, out int entry, out _));
        Assert.Equal(-1, entry);
        emit.Drop(other, 0);
        var frame = IpPackets.Arp(1, MacAddress.Broadcast, MacAddress.Broadcast, "10.5.0.9", default, "10.5.0.2");
        var bad = emit.Rent(frame, 0);
        Assert.Equal(ArpReceiveResult.Malformed, endpoint.ReceiveArp(bad, 0, 0, emit, out _, out _));
        emit.Drop(bad, 0);
        Assert.Equal(0, endpoint.Arp.Count);
    }

    [Fact]
    public void Speaks_from_the_address_on_the_peers_subnet()
    {
        var endpoint = Make();
        Assert.Equal("10.6.0.2", endpoint.SourceAddressFor(0, Ipv4Address.Parse("10.6.0.77")).ToString());
        Assert.Equal("10.5.0.2", endpoint.SourceAddressFor(0, Ipv4Address.Parse("8.8.8.8")).ToString());
        var emit = new RecordingEmitter();
        Assert.True(endpoint.SendArpRequest(0, Ipv4Address.Parse("10.6.0.1"), emit));
        var request = emit.SentTo(0).AsSpan(14);
        Assert.Equal("10.6.0.2", ArpHeader.SenderIp(request).ToString());
        Assert.Equal(ArpHeader.OperationRequest, ArpHeader.Operation(request));
    }
}

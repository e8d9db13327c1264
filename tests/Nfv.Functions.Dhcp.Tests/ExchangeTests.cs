using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>The RFC 2131 exchanges, as a client on the server's segment sees them.</summary>
public sealed class ExchangeTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA1);
    private static readonly MacAddress B = FrameBuilder.Mac(0xB2);
    private readonly DhcpHarness _dhcp = new();

    public void Dispose() => _dhcp.Dispose();

    [Fact]
    public void Discover_gets_an_offer_from_the_pool_with_mask_router_dns_domain_and_times()
    {
        var offer = _dhcp.Send(Client(Discover, A, broadcast: true));

        Assert.NotNull(offer);
        Assert.Equal(2, offer.Operation);
        Assert.Equal(2, offer.Type);
        Assert.Equal("10.0.0.100", offer.Yiaddr);
        Assert.Equal(0x1234u, offer.Xid);
        Assert.Equal("255.255.255.0", offer.OptionAddress(1));
        Assert.Equal("10.0.0.1", offer.OptionAddress(3));
        Assert.Equal(["10.0.0.1", "10.0.0.53"], [offer.OptionAddress(6), offer.OptionAddress(6, 1)]);
        Assert.Equal("lab.test", System.Text.Encoding.ASCII.GetString(offer.Options[15]));
        Assert.Equal("10.0.0.255", offer.OptionAddress(28));
        Assert.Equal(3600u, offer.OptionUInt32(51));
        Assert.Equal(1800u, offer.OptionUInt32(58));
        Assert.Equal(3150u, offer.OptionUInt32(59));
        Assert.Equal("10.0.0.2", offer.OptionAddress(54));
        // The client asked for broadcast: it cannot take unicast before it has an address.
        Assert.Equal(MacAddress.Broadcast, offer.EthernetDestination);
        Assert.Equal("255.255.255.255", offer.IpDestination.ToString());
        Assert.Equal("10.0.0.2", offer.IpSource.ToString());
        Assert.Equal(68, offer.DestinationPort);
        Assert.True(offer.MessageLength >= 300, "BOOTP replies are at least 300 bytes");
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.Offers]);
    }

    [Fact]
    public void Without_the_broadcast_flag_the_offer_is_unicast_to_chaddr_and_yiaddr()
    {
        var offer = _dhcp.Send(Client(Discover, A));

        Assert.NotNull(offer);
        Assert.Equal(A, offer.EthernetDestination);
        Assert.Equal(offer.Yiaddr, offer.IpDestination.ToString());
    }

    [Fact]
    public void Selecting_request_is_acked_and_the_lease_is_bound()
    {
        var ack = _dhcp.Lease(A);

        Assert.Equal("10.0.0.100", ack.Yiaddr);
        Assert.Equal(3600u, ack.OptionUInt32(51));
        var lease = Assert.Single(_dhcp.Function.Leases.Leases);
        Assert.Equal(LeaseState.Bound, lease.State);
        Assert.Equal(A, lease.Mac);
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.Acks]);
    }

    [Fact]
    public void Two_clients_get_different_addresses()
    {
        var a = _dhcp.Lease(A);
        var b = _dhcp.Lease(B);

        Assert.NotEqual(a.Yiaddr, b.Yiaddr);
    }

    [Fact]
    public void A_request_for_another_server_releases_our_offer()
    {
        var offer = _dhcp.Send(Client(Discover, A))!;
        var silence = _dhcp.Send(Client(Request, A, options: [Address(50, offer.Yiaddr), Address(54, "10.0.0.250")]));

        Assert.Null(silence);
        _dhcp.Emit.AssertDropped(DhcpDrop.OtherServer);
        _dhcp.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(offer.Yiaddr)));
    }

    [Fact]
    public void An_offer_not_taken_is_freed_after_the_hold()
    {
        var offer = _dhcp.Send(Client(Discover, A))!;
        _dhcp.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(_dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(offer.Yiaddr)));

        _dhcp.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(_dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(offer.Yiaddr)));
    }

    [Fact]
    public void Init_reboot_for_the_clients_own_address_is_acked()
    {
        var ack = _dhcp.Lease(A);
        var again = _dhcp.Send(Client(Request, A, options: [Address(50, ack.Yiaddr)]));

        Assert.NotNull(again);
        Assert.Equal(5, again.Type);
        Assert.Equal(ack.Yiaddr, again.Yiaddr);
    }

    [Fact]
    public void Init_reboot_off_the_network_is_naked_by_broadcast()
    {
        var nak = _dhcp.Send(Client(Request, A, options: [Address(50, "192.168.1.50")]));

        Assert.NotNull(nak);
        Assert.Equal(6, nak.Type);
        Assert.Equal(MacAddress.Broadcast, nak.EthernetDestination);
        Assert.Equal("255.255.255.255", nak.IpDestination.ToString());
        Assert.Equal("0.0.0.0", nak.Yiaddr);
        Assert.False(nak.Options.ContainsKey(51), "a NAK carries no lease time");
        Assert.Contains("not on this network", System.Text.Encoding.ASCII.GetString(nak.Options[56]));
    }

    [Fact]
    public void Init_reboot_for_another_clients_address_is_naked()
    {
        var a = _dhcp.Lease(A);

        var nak = _dhcp.Send(Client(Request, B, options: [Address(50, a.Yiaddr)]));

        Assert.NotNull(nak);
        Assert.Equal(6, nak.Type);
        Assert.Contains("another client", System.Text.Encoding.ASCII.GetString(nak.Options[56]));
        Assert.Equal(A, _dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(a.Yiaddr))!.Mac);
    }

    [Fact]
    public void Init_reboot_for_a_free_pool_address_the_server_has_no_record_of_is_acked_as_authority()
    {
        var ack = _dhcp.Send(Client(Request, A, options: [Address(50, "10.0.0.105")]));

        Assert.NotNull(ack);
        Assert.Equal(5, ack.Type);
        Assert.Equal("10.0.0.105", ack.Yiaddr);
    }

    [Fact]
    public void A_server_that_is_not_authoritative_stays_silent_on_clients_it_does_not_know()
    {
        using var dhcp = new DhcpHarness(DhcpHarness.DefaultConfig.Replace("lease: 1h", "lease: 1h\n  authoritative: false", StringComparison.Ordinal));

        Assert.Null(dhcp.Send(Client(Request, A, options: [Address(50, "10.0.0.105")])));
        dhcp.Emit.AssertDropped(DhcpDrop.Ignored);
    }

    [Fact]
    public void Renewal_is_unicast_to_ciaddr_and_extends_the_lease()
    {
        var ack = _dhcp.Lease(A);
        var address = Ipv4Address.Parse(ack.Yiaddr);
        long firstEnd = _dhcp.Function.Leases.ByAddress(address)!.Expires;
        _dhcp.Advance(TimeSpan.FromMinutes(30));

        var renewed = _dhcp.Send(Client(Request, A, ciaddr: address, ethernetDestination: _dhcp.ServerMac,
            ipDestination: DhcpHarness.Server));

        Assert.NotNull(renewed);
        Assert.Equal(5, renewed.Type);
        Assert.Equal(ack.Yiaddr, renewed.ClientAddress.ToString());
        Assert.Equal(ack.Yiaddr, renewed.IpDestination.ToString());
        Assert.Equal(A, renewed.EthernetDestination);
        Assert.Equal(firstEnd + 1800, _dhcp.Function.Leases.ByAddress(address)!.Expires);
    }

    [Fact]
    public void Rebinding_by_broadcast_is_acked()
    {
        var ack = _dhcp.Lease(A);
        var rebound = _dhcp.Send(Client(Request, A, ciaddr: Ipv4Address.Parse(ack.Yiaddr), broadcast: true));

        Assert.NotNull(rebound);
        Assert.Equal(5, rebound.Type);
    }

    [Fact]
    public void Renewing_an_address_off_the_network_is_naked()
    {
        var nak = _dhcp.Send(Client(Request, A, ciaddr: Ipv4Address.Parse("172.16.0.9")));

        Assert.NotNull(nak);
        Assert.Equal(6, nak.Type);
    }

    [Fact]
    public void A_released_address_comes_back_to_the_same_client_and_is_not_given_to_others_while_the_pool_has_room()
    {
        var ack = _dhcp.Lease(A);
        var address = Ipv4Address.Parse(ack.Yiaddr);
        Assert.Null(_dhcp.Send(Client(Release, A, ciaddr: address, options: [Address(54, "10.0.0.2")])));
        _dhcp.Emit.AssertDropped(DhcpDrop.Released);
        Assert.Equal(LeaseState.Released, _dhcp.Function.Leases.ByAddress(address)!.State);

        Assert.NotEqual(ack.Yiaddr, _dhcp.Lease(B).Yiaddr);
        Assert.Equal(ack.Yiaddr, _dhcp.Lease(A).Yiaddr);
    }

    [Fact]
    public void A_release_for_someone_elses_lease_changes_nothing()
    {
        var ack = _dhcp.Lease(A);
        var address = Ipv4Address.Parse(ack.Yiaddr);

        _dhcp.Send(Client(Release, B, ciaddr: address));

        Assert.Equal(LeaseState.Bound, _dhcp.Function.Leases.ByAddress(address)!.State);
    }

    [Fact]
    public void A_declined_address_is_set_aside_until_the_hold_ends()
    {
        var ack = _dhcp.Lease(A);
        _dhcp.Send(Client(Decline, A, options: [Address(50, ack.Yiaddr), Address(54, "10.0.0.2")]));
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.DeclinedAddresses]);

        // Nobody, not even the client that declined it, is offered it while it is held.
        var offers = new HashSet<string>();
        for (int i = 0; i < 9; i++)
        {
            offers.Add(_dhcp.Lease(FrameBuilder.Mac(0x300 + i)).Yiaddr);
        }
        Assert.DoesNotContain(ack.Yiaddr, offers);
        Assert.Null(_dhcp.Send(Client(Discover, A)));
        _dhcp.Emit.AssertDropped(DhcpDrop.PoolExhausted);

        _dhcp.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var offer = _dhcp.Send(Client(Discover, A));
        Assert.NotNull(offer);
        Assert.Equal(ack.Yiaddr, offer.Yiaddr);
    }

    [Fact]
    public void Inform_is_answered_with_configuration_and_no_lease()
    {
        var ack = _dhcp.Send(Client(Inform, A, ciaddr: Ipv4Address.Parse("10.0.0.50"), ethernetDestination: _dhcp.ServerMac,
            ipDestination: DhcpHarness.Server));

        Assert.NotNull(ack);
        Assert.Equal(5, ack.Type);
        Assert.Equal("0.0.0.0", ack.Yiaddr);
        Assert.Equal("10.0.0.50", ack.ClientAddress.ToString());
        Assert.Equal("10.0.0.50", ack.IpDestination.ToString());
        Assert.False(ack.Options.ContainsKey(51), "INFORM answers carry no lease time (RFC 2131 §4.3.5)");
        Assert.Equal("10.0.0.1", ack.OptionAddress(3));
        Assert.Empty(_dhcp.Function.Leases.Leases);
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.Informs]);
    }

    [Fact]
    public void After_expiry_the_same_client_gets_the_same_address_back()
    {
        var ack = _dhcp.Lease(A);
        _dhcp.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(LeaseState.Expired, _dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(ack.Yiaddr))!.State);
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.LeasesExpired]);

        _dhcp.Lease(B);
        Assert.Equal(ack.Yiaddr, _dhcp.Lease(A).Yiaddr);
    }

    [Fact]
    public void When_the_pool_runs_dry_the_longest_expired_lease_is_reclaimed()
    {
        var first = _dhcp.Lease(FrameBuilder.Mac(0x400));
        _dhcp.Advance(TimeSpan.FromMinutes(1));
        for (int i = 1; i < 10; i++)
        {
            _dhcp.Lease(FrameBuilder.Mac(0x400 + i));
        }
        _dhcp.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        // The first lease expired a minute before the others: it is the one taken.
        Assert.Equal(first.Yiaddr, _dhcp.Lease(A).Yiaddr);
        Assert.Null(_dhcp.Function.Leases.ByClient("hw:" + FrameBuilder.Mac(0x400)));
    }

    [Fact]
    public void A_full_pool_answers_no_offer_and_counts_it()
    {
        for (int i = 0; i < 10; i++)
        {
            _dhcp.Lease(FrameBuilder.Mac(0x500 + i));
        }

        Assert.Null(_dhcp.Send(Client(Discover, A)));

        _dhcp.Emit.AssertDropped(DhcpDrop.PoolExhausted);
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.PoolExhausted]);
        Assert.Equal(10, _dhcp.Function.Leases.Count);
    }

    [Fact]
    public void Reservations_by_mac_and_by_client_id_are_honoured()
    {
        Assert.Equal("10.0.0.7", _dhcp.Lease(FrameBuilder.Mac(0x77)).Yiaddr);
        Assert.Equal("10.0.0.8", _dhcp.Lease(B, Opt(61, 1, 2, 3)).Yiaddr);
    }

    [Fact]
    public void A_reserved_address_is_never_given_to_another_client()
    {
        Assert.NotEqual("10.0.0.7", _dhcp.Send(Client(Discover, A, options: [Address(50, "10.0.0.7")]))!.Yiaddr);

        var nak = _dhcp.Send(Client(Request, A, options: [Address(50, "10.0.0.7")]));
        Assert.Equal(6, nak!.Type);
    }

    [Fact]
    public void A_client_with_a_reservation_that_asks_for_another_address_is_naked()
    {
        var nak = _dhcp.Send(Client(Request, FrameBuilder.Mac(0x77), options: [Address(50, "10.0.0.100")]));

        Assert.Equal(6, nak!.Type);
    }

    [Fact]
    public void The_requested_address_is_offered_when_free()
    {
        var offer = _dhcp.Send(Client(Discover, A, options: [Address(50, "10.0.0.106")]));

        Assert.Equal("10.0.0.106", offer!.Yiaddr);
    }

    [Fact]
    public void Only_the_options_asked_for_are_sent_besides_the_mandatory_ones()
    {
        var offer = _dhcp.Send(Client(Discover, A, options: [Opt(55, 3, 1)]))!;

        Assert.Equal([1, 3, 51, 53, 54, 58, 59], offer.Options.Keys.Order().ToArray());
    }

    [Fact]
    public void The_server_answers_arp_for_its_address_and_ping()
    {
        var request = new byte[42];
        MacAddress.Broadcast.Write(request);
        A.Write(request.AsSpan(6));
        request[12] = 0x08;
        request[13] = 0x06;
        ArpHeader.Write(request.AsSpan(14), ArpHeader.OperationRequest, A, Ipv4Address.Parse("10.0.0.100"), default, DhcpHarness.Server);
        _dhcp.Emit.Send(_dhcp.Function, 0, request);
        var reply = Assert.Single(_dhcp.Emit.Sent).Frame;
        Assert.Equal(ArpHeader.OperationReply, ArpHeader.Operation(reply.AsSpan(14)));
        Assert.Equal(_dhcp.ServerMac, ArpHeader.SenderMac(reply.AsSpan(14)));

        var echo = new byte[14 + 20 + 8];
        _dhcp.ServerMac.Write(echo);
        A.Write(echo.AsSpan(6));
        echo[12] = 0x08;
        Ipv4Header.Write(echo.AsSpan(14), 28, 7, 64, Ipv4Header.ProtocolIcmp, Ipv4Address.Parse("10.0.0.100"), DhcpHarness.Server);
        echo[34] = IcmpHeader.TypeEchoRequest;
        IcmpHeader.UpdateChecksum(echo.AsSpan(34));
        _dhcp.Emit.Send(_dhcp.Function, 0, echo);
        var pong = Assert.Single(_dhcp.Emit.Sent).Frame;
        Assert.Equal(IcmpHeader.TypeEchoReply, pong[34]);
        Assert.Equal(DhcpHarness.Server, Ipv4Header.Source(pong.AsSpan(14)));
        Assert.Equal(1, _dhcp.Counters[DhcpEvent.EchoReplies]);
    }

    [Fact]
    public void One_mac_in_a_loop_is_rate_limited()
    {
        int answered = 0, limited = 0;
        for (int i = 0; i < 200; i++)
        {
            if (_dhcp.Send(Client(Discover, A, xid: (uint)i)) is null)
            {
                limited += _dhcp.Emit.DropCount(DhcpDrop.RateLimited);
            }
            else
            {
                answered++;
            }
        }

        // 20 a second in bursts of 40: the clock does not move, so the burst is all it gets.
        Assert.Equal(40, answered);
        Assert.Equal(160, limited);
        _dhcp.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(_dhcp.Send(Client(Discover, A)));
        // Other clients are not held back by it.
        Assert.NotNull(_dhcp.Send(Client(Discover, B)));
    }

    [Fact]
    public void One_host_asking_for_many_chaddrs_gets_nothing_so_the_pool_is_not_drained_but_a_relay_may()
    {
        // perfdhcp's way: one NIC, a new chaddr per DISCOVER. Ten would take the whole pool.
        for (int i = 0; i < 10; i++)
        {
            Assert.Null(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x500 + i), xid: (uint)i, ethernetSource: A)));
            Assert.Equal(1, _dhcp.Emit.DropCount(DhcpDrop.MacMismatch));
        }
        Assert.Equal("10.0.0.100", _dhcp.Send(Client(Discover, B))!.YourAddress.ToString());

        // Through a relay every client comes from the relay's MAC: that is the relay's to police.
        var relayed = _dhcp.Send(Client(Discover, FrameBuilder.Mac(0x600), giaddr: Ipv4Address.Parse("10.9.0.1"), ethernetSource: A));
        Assert.NotNull(relayed);
    }

    [Fact]
    public void A_relay_on_the_servers_own_segment_gets_eight_clients_until_a_lease_time_has_passed_and_a_configured_relay_is_not_held()
    {
        var local = Ipv4Address.Parse("10.0.0.66"); // perfdhcp's way: giaddr = its own address on the server's segment
        for (int i = 0; i < 8; i++)
        {
            Assert.NotNull(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x500 + i), xid: (uint)i, giaddr: local, ethernetSource: A)));
        }
        Assert.Null(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x508), giaddr: local, ethernetSource: A)));
        Assert.Equal(1, _dhcp.Emit.DropCount(DhcpDrop.SourceLimit));
        Assert.NotNull(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x500), xid: 99, giaddr: local, ethernetSource: A))); // a client it has is served
        Assert.NotNull(_dhcp.Send(Client(Discover, B)));                                                                   // others are not held back

        _dhcp.Advance(TimeSpan.FromHours(1));
        Assert.NotNull(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x508), giaddr: local, ethernetSource: A)));

        var relay = Ipv4Address.Parse("10.9.0.1"); // the relay of a subnets: entry (pool of 10)
        for (int i = 0; i < 10; i++)
        {
            Assert.NotNull(_dhcp.Send(Client(Discover, FrameBuilder.Mac(0x700 + i), xid: (uint)i, giaddr: relay, ethernetSource: B)));
        }
    }

    [Fact]
    public void With_no_limit_per_source_a_local_relay_may_ask_for_the_whole_pool()
    {
        using var dhcp = new DhcpHarness(DhcpHarness.DefaultConfig + "\n  clients-per-source: 0");
        for (int i = 0; i < 10; i++)
        {
            Assert.NotNull(dhcp.Send(Client(Discover, FrameBuilder.Mac(0x500 + i), xid: (uint)i, giaddr: Ipv4Address.Parse("10.0.0.66"), ethernetSource: A)));
        }
    }

    [Fact]
    public void With_verify_mac_off_a_chaddr_from_another_mac_is_served()
    {
        using var dhcp = new DhcpHarness(DhcpHarness.DefaultConfig + "\n  verify-mac: false");
        Assert.NotNull(dhcp.Send(Client(Discover, B, ethernetSource: A)));
    }

    [Fact]
    public void Nfv_trace_shows_what_the_server_decided_and_untraced_messages_state_nothing()
    {
        var offered = _dhcp.Emit.SendTraced(_dhcp.Function, 0, Client(Discover, A));
        Assert.Contains($"DHCP Discover from {A}: OFFER 10.0.0.100", offered);

        var naked = _dhcp.Emit.SendTraced(_dhcp.Function, 0, Client(Request, B, options: [Address(50, "192.168.1.5")]));
        Assert.Contains($"DHCP Request from {B}: NAK (requested address is not on this network)", naked);

        _dhcp.Send(Client(Discover, B));
        Assert.Empty(_dhcp.Emit.Decisions);
    }
}

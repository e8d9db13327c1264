using Nfv.Abstractions.Inspection;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>What the server answers to one message.</summary>
internal enum DhcpReplyKind
{
    /// <summary>Nothing: the message ends as the decision's drop reason.</summary>
    None = 0,
    /// <summary>DHCPOFFER.</summary>
    Offer = 2,
    /// <summary>DHCPACK with a lease.</summary>
    Ack = 5,
    /// <summary>DHCPNAK.</summary>
    Nak = 6,
    /// <summary>DHCPACK to an INFORM: configuration only, no lease (RFC 2131 §4.3.5).</summary>
    InformAck = 8,
}

/// <summary>The server's decision on one message.</summary>
/// <param name="Reply">What to send.</param>
/// <param name="Silence">Why nothing is sent, when <paramref name="Reply"/> is None.</param>
/// <param name="Subnet">The subnet the client is on (options come from it).</param>
/// <param name="Lease">The lease offered or acknowledged.</param>
/// <param name="Message">For a NAK, why (sent as option 56 so the client's log says it).</param>
internal readonly record struct DhcpDecision(DhcpReplyKind Reply, DhcpDrop Silence, DhcpSubnet? Subnet, Lease? Lease, string? Message = null)
{
    public static DhcpDecision Silent(DhcpDrop reason) => new(DhcpReplyKind.None, reason, null, null);

    public static DhcpDecision Nak(DhcpSubnet? subnet, string why) => new(DhcpReplyKind.Nak, default, subnet, null, why);

    /// <summary>True when the reply may only leave once the lease file is on disk.</summary>
    public bool Durable => Reply == DhcpReplyKind.Ack;
}

/// <summary>
/// The server side of RFC 2131 §4.3: what to answer to DISCOVER, REQUEST (SELECTING, INIT-REBOOT, RENEWING,
/// REBINDING), DECLINE, RELEASE and INFORM, and what that does to the leases. It sees parsed messages, never frames,
/// so every rule is testable alone.
/// </summary>
internal sealed class DhcpServer
{
    private readonly DhcpServerOptions _options;
    private readonly EventCounters<DhcpEvent> _counters;

    public DhcpServer(DhcpServerOptions options, LeaseDatabase leases, EventCounters<DhcpEvent> counters)
    {
        _options = options;
        Leases = leases;
        _counters = counters;
    }

    public LeaseDatabase Leases { get; }

    /// <summary>The server identifier (option 54): the server's own address.</summary>
    public Ipv4Address ServerId => _options.Address.Address;

    /// <summary>Decides the answer to <paramref name="message"/> at <paramref name="now"/> (Unix seconds).</summary>
    public DhcpDecision Handle(DhcpMessage message, long now)
    {
        if (SubnetFor(message) is not { } subnet)
        {
            return DhcpDecision.Silent(DhcpDrop.NoSubnet);
        }
        return message.Type switch
        {
            DhcpMessageType.Discover => Discover(message, subnet, now),
            DhcpMessageType.Request => Request(message, subnet, now),
            DhcpMessageType.Decline => Decline(message, now),
            DhcpMessageType.Release => Release(message, now),
            _ => Inform(message, subnet),
        };
    }

    /// <summary>True when <paramref name="relay"/> is on the server's own segment (or in no subnet): not a relay of a <c>subnets:</c> entry.</summary>
    public bool IsLocal(Ipv4Address relay) => Leases.SubnetOf(relay) is not { } subnet || subnet == _options.Subnets[0];

    // RFC 2131 §4.3.1: a relayed message is served from the subnet of giaddr; a local one from the server's segment.
    private DhcpSubnet? SubnetFor(DhcpMessage message)
    {
        if (message.RelayAddress.Value != 0)
        {
            return Leases.SubnetOf(message.RelayAddress);
        }
        return _options.Subnets[0];
    }

    private DhcpDecision Discover(DhcpMessage message, DhcpSubnet subnet, long now)
    {
        _counters.Increment(DhcpEvent.Discovers);
        if (Leases.Choose(subnet, message) is not { } address)
        {
            _counters.Increment(DhcpEvent.PoolExhausted);
            return DhcpDecision.Silent(DhcpDrop.PoolExhausted);
        }
        var lease = Leases.Offer(subnet, address, message, now + (long)_options.OfferHold.TotalSeconds);
        _counters.Increment(DhcpEvent.Offers);
        return new DhcpDecision(DhcpReplyKind.Offer, default, subnet, lease);
    }

    private DhcpDecision Request(DhcpMessage message, DhcpSubnet subnet, long now)
    {
        _counters.Increment(DhcpEvent.Requests);
        string client = message.ClientKey;
        var own = Leases.ByClient(client);
        if (message.ServerIdentifier is { } serverId)
        {
            // SELECTING: the client answers an OFFER. Another server's? Let our offer go.
            if (serverId != ServerId)
            {
                if (own is { State: LeaseState.Offered })
                {
                    own.Expires = now; // the next expiry sweep frees it
                }
                return DhcpDecision.Silent(DhcpDrop.OtherServer);
            }
            if (message.RequestedAddress is not { } selected)
            {
                return DhcpDecision.Silent(DhcpDrop.Ignored); // RFC 2131 table 4: 'requested IP address' MUST be there
            }
            return Commit(message, subnet, selected, now, own);
        }
        if (message.RequestedAddress is { } requested)
        {
            // INIT-REBOOT: the client remembers an address and wants it confirmed (RFC 2131 §4.3.2).
            if (!subnet.Prefix.Contains(requested))
            {
                return Nak(subnet, "requested address is not on this network");
            }
            if (own is null && !_options.Authoritative)
            {
                return DhcpDecision.Silent(DhcpDrop.Ignored);
            }
            return Commit(message, subnet, requested, now, own);
        }
        if (message.ClientAddress.Value != 0)
        {
            // RENEWING (unicast) or REBINDING (broadcast): the client holds ciaddr and wants more time.
            var held = message.ClientAddress;
            if (!subnet.Prefix.Contains(held))
            {
                return Nak(subnet, "address is not on this network");
            }
            if (own is null && !_options.Authoritative)
            {
                return DhcpDecision.Silent(DhcpDrop.Ignored);
            }
            return Commit(message, subnet, held, now, own);
        }
        return DhcpDecision.Silent(DhcpDrop.Ignored); // neither option 50 nor ciaddr: not a request RFC 2131 defines
    }

    // ACKs `address` to the client when it may have it; NAKs otherwise.
    private DhcpDecision Commit(DhcpMessage message, DhcpSubnet subnet, Ipv4Address address, long now, Lease? own)
    {
        var reservation = Leases.ReservationFor(message);
        bool ownAddress = own is not null && own.Address == address && own.State != LeaseState.Declined;
        if (reservation is not null && reservation.Address != address && subnet.Prefix.Contains(reservation.Address))
        {
            return Nak(subnet, "this client has a reserved address");
        }
        if (!ownAddress && !Leases.IsAvailable(subnet, address, message.ClientKey, reservation))
        {
            return Nak(subnet, Leases.ByAddress(address) is { } other && other.ClientKey != message.ClientKey
                ? "address is in use by another client"
                : "address is not available");
        }
        var lease = Leases.Bind(subnet, address, message, now + (long)subnet.LeaseTime.TotalSeconds);
        _counters.Increment(DhcpEvent.Acks);
        return new DhcpDecision(DhcpReplyKind.Ack, default, subnet, lease);
    }

    private DhcpDecision Nak(DhcpSubnet subnet, string why)
    {
        _counters.Increment(DhcpEvent.Naks);
        return DhcpDecision.Nak(subnet, why);
    }

    private DhcpDecision Decline(DhcpMessage message, long now)
    {
        _counters.Increment(DhcpEvent.Declines);
        if (message.ServerIdentifier is { } serverId && serverId != ServerId)
        {
            return DhcpDecision.Silent(DhcpDrop.OtherServer);
        }
        if (message.RequestedAddress is { } address && Leases.ByAddress(address) is { } lease &&
            lease.ClientKey == message.ClientKey && lease.State is LeaseState.Bound or LeaseState.Offered)
        {
            Leases.Decline(lease, now + (long)_options.DeclineHold.TotalSeconds);
            _counters.Increment(DhcpEvent.DeclinedAddresses);
        }
        return DhcpDecision.Silent(DhcpDrop.Declined);
    }

    private DhcpDecision Release(DhcpMessage message, long now)
    {
        _counters.Increment(DhcpEvent.Releases);
        if (message.ServerIdentifier is { } serverId && serverId != ServerId)
        {
            return DhcpDecision.Silent(DhcpDrop.OtherServer);
        }
        if (Leases.ByAddress(message.ClientAddress) is { State: LeaseState.Bound } lease && lease.ClientKey == message.ClientKey)
        {
            Leases.Release(lease, now);
        }
        return DhcpDecision.Silent(DhcpDrop.Released);
    }

    private DhcpDecision Inform(DhcpMessage message, DhcpSubnet subnet)
    {
        _counters.Increment(DhcpEvent.Informs);
        // A local INFORM is answered with the options of the subnet its ciaddr is on, when the server serves it.
        var on = message.RelayAddress.Value == 0 && message.ClientAddress.Value != 0
            ? Leases.SubnetOf(message.ClientAddress) ?? subnet
            : subnet;
        return new DhcpDecision(DhcpReplyKind.InformAck, default, on, null);
    }
}

using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>Where a lease is in its life.</summary>
public enum LeaseState
{
    /// <summary>Offered to a client and held for it (<see cref="DhcpServerOptions.OfferHold"/>); not on disk.</summary>
    Offered = 0,
    /// <summary>ACKed: the client holds the address until it expires.</summary>
    Bound = 1,
    /// <summary>Given back by the client (RELEASE); kept so the same client gets it again.</summary>
    Released = 2,
    /// <summary>Ran out; kept so the same client gets it again, reclaimed for others when the pool runs dry.</summary>
    Expired = 3,
    /// <summary>A client said the address is in use (DECLINE): set aside until the hold ends.</summary>
    Declined = 4,
}

/// <summary>One address's binding: who has it, in what state, until when.</summary>
/// <remarks>Owned by the worker that runs the server; times are Unix seconds from the function's clock.</remarks>
public sealed class Lease
{
    internal Lease(Ipv4Address address, DhcpSubnet subnet)
    {
        Address = address;
        Subnet = subnet;
    }

    /// <summary>The address.</summary>
    public Ipv4Address Address { get; }

    /// <summary>The subnet the address belongs to.</summary>
    public DhcpSubnet Subnet { get; }

    /// <summary>The client (<see cref="DhcpMessage.ClientKey"/>): <c>id:…</c> or <c>hw:…</c>; empty when declined.</summary>
    public string ClientKey { get; internal set; } = "";

    /// <summary>The client's MAC (chaddr).</summary>
    public MacAddress Mac { get; internal set; }

    /// <summary>The client's host name (option 12), if it sent one.</summary>
    public string? HostName { get; internal set; }

    /// <summary>The state.</summary>
    public LeaseState State { get; internal set; }

    /// <summary>When the state ends, in Unix seconds: lease end (bound), offer end (offered), hold end (declined).</summary>
    public long Expires { get; internal set; }

    /// <summary>True when another client may be given the address (an expired or released lease).</summary>
    public bool Reclaimable => State is LeaseState.Expired or LeaseState.Released;
}

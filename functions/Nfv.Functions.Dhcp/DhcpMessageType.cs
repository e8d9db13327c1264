namespace Nfv.Functions.Dhcp;

/// <summary>The DHCP message type (option 53, RFC 2132 §9.6).</summary>
public enum DhcpMessageType : byte
{
    /// <summary>Client broadcast to locate servers.</summary>
    Discover = 1,
    /// <summary>Server answer to DISCOVER with an offered address.</summary>
    Offer = 2,
    /// <summary>Client asks for the offered address, or confirms/extends a lease.</summary>
    Request = 3,
    /// <summary>Client says the address is already in use.</summary>
    Decline = 4,
    /// <summary>Server commits the lease.</summary>
    Ack = 5,
    /// <summary>Server refuses: the client's idea of its address is wrong.</summary>
    Nak = 6,
    /// <summary>Client gives the address back.</summary>
    Release = 7,
    /// <summary>Client with an address asks only for configuration.</summary>
    Inform = 8,
}

namespace Nfv.Functions.Dhcp;

/// <summary>
/// Why the DHCP server ended a packet without answering it. The values are 0..n-1 in this order: they are the indices
/// of <see cref="DhcpBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters. Some are not errors
/// (an ARP reply learned, a RELEASE done with, a REQUEST meant for another server): every packet ends in a send or a
/// drop.
/// </summary>
public enum DhcpDrop
{
    /// <summary>Shorter than an Ethernet header.</summary>
    Runt = 0,
    /// <summary>Neither IPv4 nor ARP (IPv6, 802.1Q-tagged, LLDP...).</summary>
    UnsupportedEtherType = 1,
    /// <summary>An ARP packet that is not Ethernet/IPv4, or truncated.</summary>
    BadArp = 2,
    /// <summary>An ARP packet handled and done with: learned from, or a request for another address.</summary>
    ArpConsumed = 3,
    /// <summary>An IPv4 frame to another unicast MAC address.</summary>
    OtherHost = 4,
    /// <summary>Shorter than its IPv4 or UDP header, or than the lengths they state.</summary>
    Truncated = 5,
    /// <summary>IP version is not 4, or the IHL is below 5 or beyond the total length.</summary>
    BadIpHeader = 6,
    /// <summary>The IPv4 header checksum is wrong.</summary>
    BadChecksum = 7,
    /// <summary>An IP fragment: DHCP messages are never fragmented, and the server does not reassemble.</summary>
    Fragment = 8,
    /// <summary>IPv4 to an address that is neither the server's nor a broadcast.</summary>
    NotForUs = 9,
    /// <summary>Traffic to the server it does not serve: TCP, UDP to a port other than 67, ICMP other than echo request.</summary>
    Unserved = 10,
    /// <summary>The UDP checksum is wrong.</summary>
    BadUdpChecksum = 11,
    /// <summary>A BOOTREPLY (op 2) or other non-request sent to the server port.</summary>
    NotRequest = 12,
    /// <summary>Shorter than the 236-byte BOOTP header plus the magic cookie.</summary>
    ShortMessage = 13,
    /// <summary>Larger than a DHCP message can be on a 1500-byte link (1472 bytes).</summary>
    Oversized = 14,
    /// <summary>The magic cookie (99.130.83.99) is missing: plain BOOTP, which the server does not serve.</summary>
    MissingCookie = 15,
    /// <summary>Hardware type/length is not Ethernet's (1/6).</summary>
    BadHardwareAddress = 16,
    /// <summary>An option whose length runs past the end of its field, or a fixed-size option with the wrong length.</summary>
    BadOptionLength = 17,
    /// <summary>Option 52 (overload) with a length other than 1 or a value other than 1, 2 or 3.</summary>
    BadOverload = 18,
    /// <summary>No message type (option 53), or one of the wrong length.</summary>
    MissingMessageType = 19,
    /// <summary>A message type a server never receives (OFFER, ACK, NAK) or no type at all (0, 9+).</summary>
    BadMessageType = 20,
    /// <summary>A client identifier (option 61) shorter than 2 bytes (RFC 2132 §9.14).</summary>
    BadClientId = 21,
    /// <summary>Relay agent information (option 82) whose sub-options do not add up (RFC 3046).</summary>
    BadRelayAgentInfo = 22,
    /// <summary>The client's MAC sent more messages than the rate limit allows.</summary>
    RateLimited = 23,
    /// <summary>A REQUEST, DECLINE or RELEASE naming another server: the client chose it (not an error).</summary>
    OtherServer = 24,
    /// <summary>A relayed message whose relay address (giaddr) lies in no subnet the server serves.</summary>
    NoSubnet = 25,
    /// <summary>A DISCOVER the server could not answer: no free address in the pool.</summary>
    PoolExhausted = 26,
    /// <summary>A message the server stays silent on by RFC 2131: a REQUEST it has no record of (not authoritative), a malformed REQUEST.</summary>
    Ignored = 27,
    /// <summary>A RELEASE handled (the address is free again), or one for a lease the client does not hold.</summary>
    Released = 28,
    /// <summary>A DECLINE handled (the address is set aside), or one for a lease the client does not hold.</summary>
    Declined = 29,
    /// <summary>The lease could not be written to disk, so the ACK was not sent (the client will retry).</summary>
    PersistFailed = 30,
    /// <summary>A message straight from a client (not relayed) whose chaddr is not the Ethernet address it came from (<c>verify-mac</c>).</summary>
    MacMismatch = 31,
    /// <summary>A new client from an Ethernet source that already asked for <c>clients-per-source</c> others within a lease time.</summary>
    SourceLimit = 32,
}

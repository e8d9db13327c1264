namespace Nfv.Functions.Nat;

/// <summary>
/// Why the NAT had the router drop a packet (the router counts it as <c>FeatureDrop</c>; the NAT counts the reason, as
/// the event <c>dropped_REASON</c>). Values are 0..n-1 in this order.
/// </summary>
public enum NatDrop
{
    /// <summary>An outside packet for an inside or transit address: no mapping lets it in (never reaches an inside host).</summary>
    Unsolicited = 0,
    /// <summary>An outside packet to a mapping whose filter refuses its source (RFC 4787 §5).</summary>
    Filtered = 1,
    /// <summary>A new flow with the session table full.</summary>
    SessionLimit = 2,
    /// <summary>A new flow from an inside host that has its most sessions.</summary>
    HostLimit = 3,
    /// <summary>A new flow and no free external port in the range.</summary>
    PortsExhausted = 4,
    /// <summary>TCP, UDP or ICMP header cut short, or an ICMP error whose quoted datagram is.</summary>
    Malformed = 5,
    /// <summary>An inside packet of a protocol the NAT does not translate (not TCP, UDP or ICMP).</summary>
    UnsupportedProtocol = 6,
    /// <summary>An inside ICMP message other than echo request or error.</summary>
    UnsupportedIcmp = 7,
    /// <summary>An ICMP error about a flow the NAT has no session for.</summary>
    IcmpErrorNoSession = 8,
    /// <summary>A fragment after the first whose first fragment was not seen (or was seen too long ago).</summary>
    FragmentWithoutFirst = 9,
    /// <summary>A new flow over <c>new-sessions-per-second</c>, the NAT's rate of new sessions in all.</summary>
    RateLimit = 10,
    /// <summary>A new flow over <c>new-sessions-per-second-per-source</c>: its source (inside host or remote) makes new flows too fast.</summary>
    SourceRateLimit = 11,
}

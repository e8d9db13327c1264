using System.ComponentModel;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// What a DHCP server counts besides its drops (<see cref="DhcpDrop"/>, counted by the dataplane): values 0..n-1, names
/// the <c>event</c> label of <c>nfv_function_events_total</c>, descriptions their help. Kept in <see cref="DhcpFunction.Counters"/>.
/// </summary>
public enum DhcpEvent
{
    /// <summary>DHCPDISCOVER messages received (well-formed, within the rate limit).</summary>
    [Description("DHCPDISCOVER messages received")]
    Discovers = 0,

    /// <summary>DHCPOFFER messages sent.</summary>
    [Description("DHCPOFFER messages sent")]
    Offers = 1,

    /// <summary>DHCPREQUEST messages received.</summary>
    [Description("DHCPREQUEST messages received")]
    Requests = 2,

    /// <summary>DHCPACK messages that committed a lease (INFORM answers not included).</summary>
    [Description("DHCPACK messages that committed a lease")]
    Acks = 3,

    /// <summary>DHCPNAK messages sent.</summary>
    [Description("DHCPNAK messages sent")]
    Naks = 4,

    /// <summary>DHCPINFORM messages answered.</summary>
    [Description("DHCPINFORM messages answered")]
    Informs = 5,

    /// <summary>DHCPRELEASE messages received.</summary>
    [Description("DHCPRELEASE messages received")]
    Releases = 6,

    /// <summary>DHCPDECLINE messages received.</summary>
    [Description("DHCPDECLINE messages received")]
    Declines = 7,

    /// <summary>Addresses set aside because their client declined them.</summary>
    [Description("addresses set aside after a DECLINE")]
    DeclinedAddresses = 8,

    /// <summary>DISCOVERs not answered: no free address.</summary>
    [Description("DISCOVERs not answered: no free address")]
    PoolExhausted = 9,

    /// <summary>Bound leases that ran out.</summary>
    [Description("bound leases that ran out")]
    LeasesExpired = 10,

    /// <summary>ICMP echo replies sent.</summary>
    [Description("ICMP echo replies sent")]
    EchoReplies = 11,

    /// <summary>ARP replies sent for the server's address.</summary>
    [Description("ARP replies sent")]
    ArpReplies = 12,

    /// <summary>Requested options left out of a reply because they did not fit the client's maximum message size.</summary>
    [Description("requested options that did not fit the client's maximum message size")]
    OptionsLeftOut = 13,

    /// <summary>Writes of the lease file flushed to disk, each carrying the lease changes of one batch or more.</summary>
    [Description("writes of the lease file flushed to disk (group commits)")]
    LeaseWrites = 14,
}

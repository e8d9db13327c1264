namespace Nfv.Functions.Firewall;

/// <summary>
/// Why the firewall dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="FirewallBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum FirewallDrop
{
    /// <summary>Too short for its Ethernet, VLAN, IPv4 or transport header, or not IPv4 where it says it is.</summary>
    Malformed = 0,

    /// <summary>Neither IPv4 nor ARP (IPv6, LLDP, ...), with <c>non-ip: deny</c> (the default).</summary>
    NonIp = 1,

    /// <summary>A new connection a <c>deny</c> rule matched.</summary>
    Denied = 2,

    /// <summary>A new connection no rule matched, with <c>default: deny</c> (the default).</summary>
    DefaultDeny = 3,

    /// <summary>
    /// An allowed TCP segment that belongs to no tracked connection and does not open one (not a SYN): the middle of a
    /// connection the firewall never saw open, or a forged segment.
    /// </summary>
    NotEstablished = 4,

    /// <summary>A fragment other than the first: it carries no ports to match.</summary>
    Fragment = 5,

    /// <summary>A new connection while <c>max-connections</c> are tracked.</summary>
    TableFull = 6,

    /// <summary>The packet's input port is not one of the firewall's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 7,
}

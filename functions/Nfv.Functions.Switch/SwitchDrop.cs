namespace Nfv.Functions.Switch;

/// <summary>
/// Why the switch dropped a frame. The values are 0..n-1 in this order: they are the indices of
/// <see cref="SwitchBlueprint.DropReasons"/> and the <c>reason</c> label of the drop counters.
/// </summary>
public enum SwitchDrop
{
    /// <summary>Shorter than the 14-byte Ethernet header.</summary>
    Runt = 0,

    /// <summary>Claims an 802.1Q (or 802.1ad) tag but is shorter than the 18 bytes a tagged header needs.</summary>
    Truncated = 1,

    /// <summary>A frame that is not a GSO super-frame and is longer than <c>mtu</c> + 14 (+4 per VLAN tag).</summary>
    Oversize = 2,

    /// <summary>The source address is a group (multicast or broadcast) address or all zeros: never valid on the wire.</summary>
    InvalidSource = 3,

    /// <summary>
    /// Sent to an IEEE 802.1D reserved group address 01:80:c2:00:00:01..0f (pause, LACP, 802.1X, LLDP...):
    /// link-local, a bridge never forwards it. (01:80:c2:00:00:00, the STP group, is flooded: this switch
    /// runs no spanning tree, so it stays transparent to BPDUs as the Linux bridge does without STP.)
    /// </summary>
    ReservedGroup = 4,

    /// <summary>A tagged frame arrived on an access port.</summary>
    TaggedOnAccess = 5,

    /// <summary>An untagged (or priority-tagged) frame arrived on a trunk that has no native VLAN.</summary>
    UntaggedOnTrunk = 6,

    /// <summary>A tagged frame arrived on a trunk that does not carry its VLAN.</summary>
    VlanNotAllowed = 7,

    /// <summary>The destination is learned on the port the frame came from: the segment already delivered it.</summary>
    SameSegment = 8,

    /// <summary>A frame to flood, but no other connected port carries its VLAN.</summary>
    NoEgressPort = 9,

    /// <summary>A tag had to be pushed but the packet buffer had no headroom left.</summary>
    NoHeadroom = 10,

    /// <summary>The packet's input port is not one of the switch's ports (a dataplane bug, never a crash).</summary>
    UnknownInputPort = 11,

    /// <summary>A frame from a new source address on a port that already has its <c>max-macs</c> (port security).</summary>
    PortMacLimit = 12,
}

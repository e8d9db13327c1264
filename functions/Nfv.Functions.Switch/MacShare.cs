using Nfv.Abstractions.Headers;
using Nfv.Ip;

namespace Nfv.Functions.Switch;

/// <summary>
/// What the instances of a switch run per worker learned, by VLAN and address: the port and when it was last seen there.
/// A flow's frames stay on one worker, so each instance learns both ends of the flows it carries; but a function that
/// runs once (a DHCP server) sends only to the instance on its own worker, and the others would flood every frame to
/// it. So an instance puts here each address it learns or sees move, and again every quarter of the ageing time each
/// address it still sees (so an address in use never expires here); one whose table misses a unicast destination looks
/// here before it floods, and keeps what it finds for a second at most (<see cref="SwitchFunction"/>). An entry is
/// found for the ageing time after the address was last seen; the latest sighting wins. The instances' own tables hold
/// <see cref="Bound"/> together, the switch's <c>mac-table-size</c>.
/// </summary>
internal sealed class MacShare(int capacity, long ageing) : SharedExpiringTable<(int Vlan, MacAddress Mac), int>(capacity, ageing)
{
    /// <summary>The bound the instances' tables hold together.</summary>
    public SharedBound Bound { get; } = new(capacity);
}

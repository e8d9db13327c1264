using Nfv.Abstractions.Headers;
using Nfv.Ip;

namespace Nfv.Functions.Router;

/// <summary>
/// What the instances of a router run per worker learned about their neighbours (by ARP, or by IPv6 neighbour
/// discovery), by interface and address, shared between them. A host's ARP and neighbour discovery frames reach the
/// instance of whichever TAP queue the kernel picks for them, not always the one that asked (measured: the first pings
/// through a NAT run per worker waited for a retry whenever the owner of the flow was not that instance), so an instance
/// puts each neighbour it learns here, and one whose resolution is under way, or that meets a next hop it does not know,
/// looks here first. Never taken for a known next hop. An entry is used for the reachable time after it was learned.
/// The instances' own tables hold <see cref="Bound"/> together, the cache's size in the settings.
/// </summary>
internal sealed class NeighbourShare<TAddress>(int capacity, long reachable)
    : SharedExpiringTable<(int Interface, TAddress Address), MacAddress>(capacity, reachable)
    where TAddress : struct, INeighbourAddress<TAddress>
{
    /// <summary>The bound the instances' tables hold together.</summary>
    public SharedBound Bound { get; } = new(capacity);
}

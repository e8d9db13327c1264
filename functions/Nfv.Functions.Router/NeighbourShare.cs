using Nfv.Abstractions.Headers;
using Nfv.Ip;

namespace Nfv.Functions.Router;

/// <summary>
/// What the instances of a router run per worker learned about their neighbours (by ARP, or by IPv6 neighbour
/// discovery), shared between them. A host's ARP and neighbour discovery frames reach the instance of whichever TAP
/// queue the kernel picks for them, not always the one that asked (measured: the first pings through a NAT run per worker
/// waited for a retry whenever the owner of the flow was not that instance), so an instance publishes each neighbour it
/// learns, and one whose resolution is under way, or that meets a next hop it does not know, looks here first. Under a
/// lock, taken on neighbour frames, misses and pending resolutions only, never by a packet to a known next hop. Bounded;
/// an entry is used for the reachable time after it was learned.
/// </summary>
internal sealed class NeighbourShare<TAddress>(int capacity, long reachable) where TAddress : struct, INeighbourAddress<TAddress>
{
    private readonly Dictionary<(int Interface, TAddress Address), (MacAddress Mac, long Learned)> _neighbours = new(capacity);
    private readonly Lock _lock = new();

    /// <summary>Records that <paramref name="address"/> is at <paramref name="mac"/> on <paramref name="iface"/>, learned at <paramref name="now"/>.</summary>
    public void Publish(int iface, TAddress address, MacAddress mac, long now)
    {
        lock (_lock)
        {
            if (_neighbours.Count >= capacity && !_neighbours.ContainsKey((iface, address)))
            {
                foreach (var (key, entry) in _neighbours)
                {
                    if (now - entry.Learned >= reachable)
                    {
                        _neighbours.Remove(key);
                    }
                }
                if (_neighbours.Count >= capacity)
                {
                    return;
                }
            }
            _neighbours[(iface, address)] = (mac, now);
        }
    }

    /// <summary>The MAC another instance learned for <paramref name="address"/> on <paramref name="iface"/> within the reachable time.</summary>
    public bool TryGet(int iface, TAddress address, long now, out MacAddress mac)
    {
        lock (_lock)
        {
            if (_neighbours.TryGetValue((iface, address), out var entry) && now - entry.Learned < reachable)
            {
                mac = entry.Mac;
                return true;
            }
        }
        mac = default;
        return false;
    }
}

namespace Nfv.Functions.Nat;

/// <summary>
/// Which instance of a NAT run per worker owns each fragmented datagram in flight, shared by the instances. A later
/// fragment carries no ports, so the instance that placed the first fragment (by its ports) records the owner here, and
/// the instance reading a later fragment finds it. The kernel steers every fragment of a datagram by its addresses alone,
/// so the fragments mostly arrive on one worker, and it need not be the owner's. Under a lock: only fragments pay it.
/// Bounded; an entry lives as long as the owner's memory of the first fragment (<see cref="NatFragmentCache.Lifetime"/>).
/// </summary>
internal sealed class NatFragmentOwners
{
    /// <summary>Datagrams remembered at most; beyond, a new one is not (its later fragments stay where they arrive).</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<(uint Source, uint Destination, ushort Identification, byte Protocol), (int Owner, long Expires)> _owners = new(Capacity);
    private readonly Lock _lock = new();
    private readonly long _lifetime;

    /// <summary>Creates an empty record for timestamps of <paramref name="frequency"/> ticks a second.</summary>
    public NatFragmentOwners(long frequency) => _lifetime = (long)(NatFragmentCache.Lifetime.TotalSeconds * frequency);

    /// <summary>Records that instance <paramref name="owner"/> owns the datagram of this first fragment.</summary>
    public void Record(uint source, uint destination, ushort identification, byte protocol, int owner, long now)
    {
        lock (_lock)
        {
            if (_owners.Count >= Capacity)
            {
                foreach (var (key, entry) in _owners)
                {
                    if (entry.Expires <= now)
                    {
                        _owners.Remove(key);
                    }
                }
            }
            if (_owners.Count < Capacity)
            {
                _owners[(source, destination, identification, protocol)] = (owner, now + _lifetime);
            }
        }
    }

    /// <summary>The instance owning the datagram of this later fragment, or -1 when its first fragment was not placed.</summary>
    public int Find(uint source, uint destination, ushort identification, byte protocol, long now)
    {
        lock (_lock)
        {
            return _owners.TryGetValue((source, destination, identification, protocol), out var entry) && entry.Expires > now ? entry.Owner : -1;
        }
    }
}

namespace Nfv.Functions.Nat;

/// <summary>
/// The sessions the instances of a NAT run per worker hold together, in all and per inside host, so that
/// <c>max-sessions</c> and <c>max-sessions-per-host</c> hold over the NAT as they would run once: a forward's sessions are
/// all its owner's, and may fill either. Taken under a lock when a session is added or removed, never per packet of a
/// session.
/// </summary>
/// <param name="maxSessions">The NAT's <c>max-sessions</c>.</param>
/// <param name="seed">The key of the per-host counts' hash.</param>
internal sealed class NatSessionBounds(int maxSessions, ulong seed)
{
    private readonly Lock _lock = new();
    private readonly NatHostCounts _hosts = new(maxSessions, seed);
    private int _sessions;

    /// <summary>True when the instances hold <c>max-sessions</c>. Readable from any thread.</summary>
    public bool IsFull => Volatile.Read(ref _sessions) >= maxSessions;

    /// <summary>Sessions of the inside host at <paramref name="address"/>, over all instances.</summary>
    public int HostSessions(uint address)
    {
        lock (_lock)
        {
            return _hosts.Get(address);
        }
    }

    /// <summary>
    /// Takes a place for a new session of the inside host at <paramref name="address"/>: null when taken, else which bound
    /// refused it (nothing taken).
    /// </summary>
    public NatDrop? TryAdd(uint address, int maxPerHost)
    {
        lock (_lock)
        {
            if (_sessions >= maxSessions)
            {
                return NatDrop.SessionLimit;
            }
            if (!_hosts.TryIncrement(address, maxPerHost))
            {
                return NatDrop.HostLimit;
            }
            Volatile.Write(ref _sessions, _sessions + 1);
            return null;
        }
    }

    /// <summary>Gives back the place of a session of the inside host at <paramref name="address"/>.</summary>
    public void Remove(uint address)
    {
        lock (_lock)
        {
            _hosts.Decrement(address);
            Volatile.Write(ref _sessions, _sessions - 1);
        }
    }
}

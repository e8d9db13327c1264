using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// Every lease the server knows, by address and by client, and the choice of an address for a client: its
/// reservation, else its previous address, else the one it asks for, else a never-used pool address, else the
/// longest-expired lease of another client (RFC 2131 §4.3.1's order). Each address has at most one lease, so the
/// table is bounded by the pools and the reservations.
/// </summary>
/// <remarks>
/// Owned by the worker that runs the server: no locks. Every change that must survive a crash (bound, released,
/// declined, freed) goes to the <see cref="LeaseFile"/> when there is one; the caller commits it before the ACK.
/// </remarks>
public sealed class LeaseDatabase
{
    private readonly Dictionary<Ipv4Address, Lease> _byAddress = [];
    private readonly Dictionary<string, Lease> _byClient = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<DhcpSubnet> _subnets;
    private readonly IReadOnlyList<DhcpReservation> _reservations;
    private readonly Dictionary<Ipv4Address, DhcpReservation> _reservedAddresses = [];
    private readonly Ipv4Address _serverAddress;
    private readonly long[] _cursors;
    private readonly long[] _neverUsed;
    private readonly LeaseFile? _file;

    /// <summary>Creates the table over <paramref name="subnets"/>; <paramref name="file"/> (optional) receives every durable change.</summary>
    public LeaseDatabase(IReadOnlyList<DhcpSubnet> subnets, IReadOnlyList<DhcpReservation> reservations, Ipv4Address serverAddress, LeaseFile? file)
    {
        ArgumentNullException.ThrowIfNull(subnets);
        ArgumentNullException.ThrowIfNull(reservations);
        _subnets = subnets;
        _reservations = reservations;
        _serverAddress = serverAddress;
        _file = file;
        _cursors = new long[subnets.Count];
        _neverUsed = new long[subnets.Count];
        foreach (var reservation in reservations)
        {
            _reservedAddresses.TryAdd(reservation.Address, reservation);
        }
        for (int i = 0; i < subnets.Count; i++)
        {
            var subnet = subnets[i];
            _neverUsed[i] = subnet.PoolSize - _reservedAddresses.Keys.Count(subnet.InPool) - (subnet.InPool(serverAddress) ? 1 : 0);
            Capacity += subnet.PoolSize;
        }
        // Reserved addresses outside every pool hold leases too.
        Capacity += _reservedAddresses.Keys.Count(a => SubnetOf(a) is { } s && !s.InPool(a));
    }

    /// <summary>Leases in the table, whatever their state.</summary>
    public int Count => _byAddress.Count;

    /// <summary>Addresses the table can ever hold: the pools plus reserved addresses outside them.</summary>
    public long Capacity { get; }

    /// <summary>Every lease, in no particular order.</summary>
    public IEnumerable<Lease> Leases => _byAddress.Values;

    /// <summary>The lease of <paramref name="address"/>, or null.</summary>
    public Lease? ByAddress(Ipv4Address address) => _byAddress.GetValueOrDefault(address);

    /// <summary>The lease of the client <paramref name="clientKey"/>, or null.</summary>
    public Lease? ByClient(string clientKey) => _byClient.GetValueOrDefault(clientKey);

    /// <summary>The subnet that contains <paramref name="address"/>, or null.</summary>
    public DhcpSubnet? SubnetOf(Ipv4Address address)
    {
        foreach (var subnet in _subnets)
        {
            if (subnet.Prefix.Contains(address))
            {
                return subnet;
            }
        }
        return null;
    }

    /// <summary>The reservation of the client that sent <paramref name="message"/>, or null.</summary>
    internal DhcpReservation? ReservationFor(DhcpMessage message)
    {
        foreach (var reservation in _reservations)
        {
            if (reservation.Matches(message))
            {
                return reservation;
            }
        }
        return null;
    }

    /// <summary>
    /// True when <paramref name="address"/> on <paramref name="subnet"/> may be given to <paramref name="clientKey"/>
    /// (whose reservation is <paramref name="reservation"/>): a pool address or the client's reserved one, not the
    /// server's, not reserved for someone else, and free, the client's own, or reclaimable.
    /// </summary>
    internal bool IsAvailable(DhcpSubnet subnet, Ipv4Address address, string clientKey, DhcpReservation? reservation)
    {
        if (address == _serverAddress || !subnet.Prefix.Contains(address))
        {
            return false;
        }
        bool reservedForClient = reservation is not null && reservation.Address == address;
        if (!reservedForClient && (!subnet.InPool(address) || _reservedAddresses.ContainsKey(address)))
        {
            return false;
        }
        if (_byAddress.TryGetValue(address, out var lease))
        {
            return lease.State != LeaseState.Declined && (lease.ClientKey == clientKey || lease.Reclaimable);
        }
        return true;
    }

    /// <summary>Chooses the address to offer the client that sent <paramref name="message"/> on <paramref name="subnet"/>; null when the pool is exhausted.</summary>
    internal Ipv4Address? Choose(DhcpSubnet subnet, DhcpMessage message)
    {
        string client = message.ClientKey;
        var reservation = ReservationFor(message);
        if (reservation is not null && IsAvailable(subnet, reservation.Address, client, reservation))
        {
            return reservation.Address;
        }
        if (_byClient.TryGetValue(client, out var previous) && previous.Subnet == subnet &&
            IsAvailable(subnet, previous.Address, client, reservation))
        {
            return previous.Address;
        }
        if (message.RequestedAddress is { } requested && IsAvailable(subnet, requested, client, reservation))
        {
            return requested;
        }
        return NextFree(subnet);
    }

    private Ipv4Address? NextFree(DhcpSubnet subnet)
    {
        int index = IndexOf(subnet);
        if (_neverUsed[index] > 0)
        {
            // Next fit from a cursor: O(1) amortised while the pool fills in order.
            for (long i = 0; i < subnet.PoolSize; i++)
            {
                long slot = (_cursors[index] + i) % subnet.PoolSize;
                var address = subnet.PoolAddress(slot);
                if (address != _serverAddress && !_reservedAddresses.ContainsKey(address) && !_byAddress.ContainsKey(address))
                {
                    _cursors[index] = slot + 1;
                    return address;
                }
            }
        }
        // The pool has been used up once: reclaim the lease that expired (or was released) longest ago.
        Lease? oldest = null;
        foreach (var lease in _byAddress.Values)
        {
            if (lease.Subnet == subnet && lease.Reclaimable && subnet.InPool(lease.Address) &&
                !_reservedAddresses.ContainsKey(lease.Address) && (oldest is null || lease.Expires < oldest.Expires))
            {
                oldest = lease;
            }
        }
        return oldest?.Address;
    }

    /// <summary>Holds <paramref name="address"/> for the client as offered until <paramref name="holdUntil"/> (a bound lease of the same client stays bound).</summary>
    internal Lease Offer(DhcpSubnet subnet, Ipv4Address address, DhcpMessage message, long holdUntil)
    {
        var lease = Take(subnet, address, message);
        if (lease.State != LeaseState.Bound)
        {
            lease.State = LeaseState.Offered;
            lease.Expires = holdUntil;
        }
        return lease;
    }

    /// <summary>Binds <paramref name="address"/> to the client until <paramref name="expires"/> and queues it for the disk.</summary>
    internal Lease Bind(DhcpSubnet subnet, Ipv4Address address, DhcpMessage message, long expires)
    {
        var lease = Take(subnet, address, message);
        lease.State = LeaseState.Bound;
        lease.Expires = expires;
        _file?.Append(lease);
        return lease;
    }

    /// <summary>The client gave <paramref name="lease"/> back: kept for it (affinity), free for others when the pool runs dry.</summary>
    internal void Release(Lease lease, long now)
    {
        lease.State = LeaseState.Released;
        lease.Expires = now;
        _file?.Append(lease);
    }

    /// <summary>A client said the address is in use: set aside until <paramref name="holdUntil"/>, owned by no client.</summary>
    internal void Decline(Lease lease, long holdUntil)
    {
        _byClient.Remove(lease.ClientKey);
        lease.ClientKey = "";
        lease.HostName = null;
        lease.State = LeaseState.Declined;
        lease.Expires = holdUntil;
        _file?.Append(lease);
    }

    /// <summary>
    /// Ages the table at <paramref name="now"/>: bound leases past their end become expired, offers past their hold
    /// and declines past theirs are removed. Returns how many bound leases expired.
    /// </summary>
    public int Expire(long now)
    {
        int expired = 0;
        List<Lease>? removed = null;
        foreach (var lease in _byAddress.Values)
        {
            if (lease.Expires > now)
            {
                continue;
            }
            switch (lease.State)
            {
                case LeaseState.Bound:
                    lease.State = LeaseState.Expired;
                    expired++;
                    break;
                case LeaseState.Offered:
                case LeaseState.Declined:
                    (removed ??= []).Add(lease);
                    break;
            }
        }
        if (removed is not null)
        {
            foreach (var lease in removed)
            {
                Remove(lease);
            }
        }
        return expired;
    }

    /// <summary>Puts back what the lease file held; bound leases whose end has passed come back expired. Returns records that fit no subnet.</summary>
    public int Restore(IEnumerable<LeaseRecord> records, long now)
    {
        ArgumentNullException.ThrowIfNull(records);
        var latest = new Dictionary<Ipv4Address, LeaseRecord>();
        foreach (var record in records)
        {
            latest[record.Address] = record; // the last line for an address wins
        }
        int orphans = 0;
        foreach (var record in latest.Values)
        {
            if (record.State == "free")
            {
                continue;
            }
            if (SubnetOf(record.Address) is not { } subnet)
            {
                orphans++;
                continue;
            }
            if (record.State == "declined" && record.Expires <= now)
            {
                continue;
            }
            var lease = new Lease(record.Address, subnet)
            {
                ClientKey = record.ClientKey,
                Mac = record.Mac,
                HostName = record.HostName,
                Expires = record.Expires,
                State = record.State switch
                {
                    "released" => LeaseState.Released,
                    "declined" => LeaseState.Declined,
                    _ => record.Expires > now ? LeaseState.Bound : LeaseState.Expired,
                },
            };
            Add(lease);
            if (lease.ClientKey.Length != 0)
            {
                _byClient[lease.ClientKey] = lease;
            }
        }
        return orphans;
    }

    // The lease of `address` for the client: its own, a reclaimed one, or a new one. The client's lease of another
    // address is let go (one lease per client), and the disk learns that address is free.
    private Lease Take(DhcpSubnet subnet, Ipv4Address address, DhcpMessage message)
    {
        string client = message.ClientKey;
        if (_byClient.TryGetValue(client, out var previous) && previous.Address != address)
        {
            bool wasOnDisk = previous.State != LeaseState.Offered;
            Remove(previous);
            if (wasOnDisk)
            {
                _file?.AppendFree(previous.Address);
            }
        }
        if (!_byAddress.TryGetValue(address, out var lease))
        {
            lease = new Lease(address, subnet);
            Add(lease);
        }
        else if (lease.ClientKey != client && lease.ClientKey.Length != 0)
        {
            _byClient.Remove(lease.ClientKey); // reclaimed from a client whose lease ran out
        }
        lease.ClientKey = client;
        lease.Mac = message.ClientMac;
        lease.HostName = message.HostName ?? lease.HostName;
        _byClient[client] = lease;
        return lease;
    }

    private void Add(Lease lease)
    {
        _byAddress.Add(lease.Address, lease);
        if (IsCountedPoolAddress(lease.Subnet, lease.Address))
        {
            _neverUsed[IndexOf(lease.Subnet)]--;
        }
    }

    private void Remove(Lease lease)
    {
        _byAddress.Remove(lease.Address);
        if (lease.ClientKey.Length != 0 && _byClient.TryGetValue(lease.ClientKey, out var current) && current == lease)
        {
            _byClient.Remove(lease.ClientKey);
        }
        if (IsCountedPoolAddress(lease.Subnet, lease.Address))
        {
            _neverUsed[IndexOf(lease.Subnet)]++;
        }
    }

    private bool IsCountedPoolAddress(DhcpSubnet subnet, Ipv4Address address) =>
        subnet.InPool(address) && address != _serverAddress && !_reservedAddresses.ContainsKey(address);

    private int IndexOf(DhcpSubnet subnet)
    {
        for (int i = 0; i < _subnets.Count; i++)
        {
            if (_subnets[i] == subnet)
            {
                return i;
            }
        }
        throw new ArgumentException("The subnet is not one of this table's.", nameof(subnet));
    }
}

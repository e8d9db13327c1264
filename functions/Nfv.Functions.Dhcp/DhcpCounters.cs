namespace Nfv.Functions.Dhcp;

/// <summary>
/// What a DHCP server did, counted since it started. Drops are counted by the dataplane per <see cref="DhcpDrop"/>.
/// </summary>
/// <remarks>
/// Written only by the worker that runs the server, with plain increments; the getters read with
/// <see cref="Volatile"/>, so any thread may read them (a value may lag the worker by a few packets).
/// </remarks>
public sealed class DhcpCounters
{
    internal long DiscoversCount;
    internal long OffersCount;
    internal long RequestsCount;
    internal long AcksCount;
    internal long NaksCount;
    internal long InformsCount;
    internal long ReleasesCount;
    internal long DeclinesCount;
    internal long DeclinedAddressesCount;
    internal long PoolExhaustedCount;
    internal long LeasesExpiredCount;
    internal long EchoRepliesCount;
    internal long ArpRepliesCount;
    internal long OptionsLeftOutCount;

    /// <summary>DHCPDISCOVER messages received (well-formed, within the rate limit).</summary>
    public long Discovers => Volatile.Read(ref DiscoversCount);
    /// <summary>DHCPOFFER messages sent.</summary>
    public long Offers => Volatile.Read(ref OffersCount);
    /// <summary>DHCPREQUEST messages received.</summary>
    public long Requests => Volatile.Read(ref RequestsCount);
    /// <summary>DHCPACK messages that committed a lease (INFORM answers not included).</summary>
    public long Acks => Volatile.Read(ref AcksCount);
    /// <summary>DHCPNAK messages sent.</summary>
    public long Naks => Volatile.Read(ref NaksCount);
    /// <summary>DHCPINFORM messages answered.</summary>
    public long Informs => Volatile.Read(ref InformsCount);
    /// <summary>DHCPRELEASE messages received.</summary>
    public long Releases => Volatile.Read(ref ReleasesCount);
    /// <summary>DHCPDECLINE messages received.</summary>
    public long Declines => Volatile.Read(ref DeclinesCount);
    /// <summary>Addresses set aside because their client declined them.</summary>
    public long DeclinedAddresses => Volatile.Read(ref DeclinedAddressesCount);
    /// <summary>DISCOVERs not answered: no free address.</summary>
    public long PoolExhausted => Volatile.Read(ref PoolExhaustedCount);
    /// <summary>Bound leases that ran out.</summary>
    public long LeasesExpired => Volatile.Read(ref LeasesExpiredCount);
    /// <summary>ICMP echo replies sent.</summary>
    public long EchoReplies => Volatile.Read(ref EchoRepliesCount);
    /// <summary>ARP replies sent for the server's address.</summary>
    public long ArpReplies => Volatile.Read(ref ArpRepliesCount);
    /// <summary>Requested options left out of a reply because they did not fit the client's maximum message size.</summary>
    public long OptionsLeftOut => Volatile.Read(ref OptionsLeftOutCount);
}

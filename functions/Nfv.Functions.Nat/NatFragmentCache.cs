namespace Nfv.Functions.Nat;

/// <summary>
/// How the first fragment of a datagram was translated, so the later ones (which carry no ports) follow it: keyed by
/// the original (source, destination, protocol, identification), the addresses to write. Direct-mapped and preallocated:
/// a colliding datagram evicts the older one, whose later fragments are then dropped and counted. Entries live
/// <see cref="Lifetime"/> (RFC 791's reassembly timer is 15 s; Linux keeps 30 s).
/// </summary>
internal sealed class NatFragmentCache
{
    /// <summary>Slots.</summary>
    public const int Capacity = 1024;

    /// <summary>How long a first fragment's translation is kept.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private struct Entry
    {
        public uint Source;
        public uint Destination;
        public ushort Identification;
        public byte Protocol;
        public uint NewSource;
        public uint NewDestination;
        public long Expires;
    }

    private readonly Entry[] _entries = new Entry[Capacity];
    private readonly long _lifetime;

    public NatFragmentCache(long frequency) => _lifetime = (long)(Lifetime.TotalSeconds * frequency);

    public void Remember(uint source, uint destination, byte protocol, ushort identification, uint newSource, uint newDestination, long now)
    {
        ref var e = ref _entries[Slot(source, destination, protocol, identification)];
        e = new Entry
        {
            Source = source,
            Destination = destination,
            Protocol = protocol,
            Identification = identification,
            NewSource = newSource,
            NewDestination = newDestination,
            Expires = now + _lifetime,
        };
    }

    public bool TryGet(uint source, uint destination, byte protocol, ushort identification, long now, out uint newSource, out uint newDestination)
    {
        ref var e = ref _entries[Slot(source, destination, protocol, identification)];
        if (e.Expires > now && e.Source == source && e.Destination == destination && e.Protocol == protocol && e.Identification == identification)
        {
            newSource = e.NewSource;
            newDestination = e.NewDestination;
            return true;
        }
        newSource = newDestination = 0;
        return false;
    }

    private static int Slot(uint source, uint destination, byte protocol, ushort identification)
    {
        uint h = (source * 0x9E3779B1u) ^ (destination * 0x85EBCA77u) ^ ((uint)identification << 8 | protocol) * 0xC2B2AE3Du;
        return (int)((h ^ (h >> 16)) & (Capacity - 1));
    }
}

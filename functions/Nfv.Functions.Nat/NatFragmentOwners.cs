using Nfv.Ip;

namespace Nfv.Functions.Nat;

/// <summary>
/// Which instance of a NAT run per worker owns each fragmented datagram in flight, by (source, destination,
/// identification, protocol), shared by the instances. A later fragment carries no ports, so the instance that placed the
/// first fragment (by its ports) puts the owner here, and the instance reading a later fragment finds it. The kernel
/// steers every fragment of a datagram by its addresses alone, so the fragments mostly arrive on one worker, and it need
/// not be the owner's. Only fragments take its lock. An entry lives as long as the owner's memory of the first fragment
/// (<see cref="NatFragmentCache.Lifetime"/>).
/// </summary>
internal sealed class NatFragmentOwners(long frequency)
    : SharedExpiringTable<(uint Source, uint Destination, ushort Identification, byte Protocol), int>(
        Capacity, (long)(NatFragmentCache.Lifetime.TotalSeconds * frequency))
{
    /// <summary>Datagrams remembered at most; beyond, a new one is not (its later fragments stay where they arrive).</summary>
    public const int Capacity = 4096;
}

using System.Numerics;
using System.Security.Cryptography;
using Nfv.Abstractions.Headers;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// A VXLAN port's learned inner MACs: which remote each was last heard from, for a while. Open addressing over a
/// fixed array, keyed with a random seed (the MACs come from the network), probing a few slots: when they are all
/// taken by live entries, the one that expires first makes room. Nothing allocates after construction.
/// </summary>
internal sealed class RemoteMacTable
{
    private const int Slots = 4096; // a power of two
    private const int Probe = 8;

    private readonly ulong[] _macs = new ulong[Slots];   // MAC + 1, so 0 marks an empty slot
    private readonly int[] _remotes = new int[Slots];
    private readonly long[] _expires = new long[Slots];
    private readonly ulong _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) | 1;

    /// <summary>Notes that <paramref name="mac"/> was heard from remote <paramref name="remote"/>, until <paramref name="expires"/>.</summary>
    public void Learn(MacAddress mac, int remote, long expires)
    {
        ulong key = mac.Value + 1;
        int home = Home(key);
        int victim = home;
        for (int i = 0; i < Probe; i++)
        {
            int slot = (home + i) & (Slots - 1);
            if (_macs[slot] == key || _macs[slot] == 0)
            {
                victim = slot;
                break;
            }
            if (_expires[slot] < _expires[victim])
            {
                victim = slot;
            }
        }
        _macs[victim] = key;
        _remotes[victim] = remote;
        _expires[victim] = expires;
    }

    /// <summary>The remote <paramref name="mac"/> was last heard from, or -1 when unknown or forgotten.</summary>
    public int Find(MacAddress mac, long now)
    {
        ulong key = mac.Value + 1;
        int home = Home(key);
        for (int i = 0; i < Probe; i++)
        {
            int slot = (home + i) & (Slots - 1);
            if (_macs[slot] == key)
            {
                return _expires[slot] > now ? _remotes[slot] : -1;
            }
        }
        return -1;
    }

    private int Home(ulong key)
    {
        ulong h = (key ^ _seed) * 0x9E37_79B9_7F4A_7C15UL;
        h ^= h >> 32;
        h *= 0xD6E8_FEB8_6659_FD93UL;
        return (int)(h >> (64 - BitOperations.Log2(Slots)));
    }
}

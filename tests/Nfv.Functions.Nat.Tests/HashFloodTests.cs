using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat.Tests;

/// <summary>
/// Keys come from the network, so the session table's hashes are keyed with a seed per table: flows crafted to share
/// one chain under a fixed hash spread out under the seed, and a lookup walks a short chain however the flows are chosen.
/// </summary>
public class HashFloodTests
{
    private const int Sessions = 512;

    [Fact]
    public void Flows_crafted_to_collide_under_a_fixed_hash_spread_out_under_the_tables_seed()
    {
        // The attack: knowing the hash (here the unseeded one, seed 0), pick 400 remote endpoints of one mapping that all
        // land in the same bucket; an outside host can send from any of them.
        var fixedHash = new NatSessionTable(Sessions, 0, 1, 1024, 65535, seed: 0);
        int mapping = fixedHash.AddMapping(Ipv4Header.ProtocolUdp, 0x0A00000A, 40000, 0, 0xCB007102);
        int target = fixedHash.SessionBucket(mapping, 0xC6336400, 1);
        var crafted = new List<(uint Address, ushort Port)>();
        for (uint address = 0xC6336400; crafted.Count < 400; address++)
        {
            for (int port = 1; port < 65536 && crafted.Count < 400; port++)
            {
                if (fixedHash.SessionBucket(mapping, address, (ushort)port) == target)
                {
                    crafted.Add((address, (ushort)port));
                }
            }
        }

        Assert.Equal(400, Fill(fixedHash, mapping, crafted)); // without a seed, one chain holds every crafted flow

        var seeded = new NatSessionTable(Sessions, 0, 1, 1024, 65535);
        int seededMapping = seeded.AddMapping(Ipv4Header.ProtocolUdp, 0x0A00000A, 40000, 0, 0xCB007102);
        int longest = Fill(seeded, seededMapping, crafted);
        // 400 keys over 1,024 buckets at random: the longest chain is about 5 (above 10 with probability under 1e-6).
        Assert.True(longest <= 10, $"the crafted flows still share a chain of {longest} under a random seed");
    }

    // Adds a session per flow and returns the longest chain a lookup then walks.
    private static int Fill(NatSessionTable table, int mapping, List<(uint Address, ushort Port)> flows)
    {
        foreach (var (address, port) in flows)
        {
            Assert.True(table.AddSession(mapping, address, port, long.MaxValue, Sessions, out _) >= 0);
            Assert.True(table.FindSession(mapping, address, port) >= 0);
        }
        return table.LongestSessionChain();
    }
}

using Nfv.Ip.Connections;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>
/// Connection keys come from the network: flows crafted to share one chain under a fixed hash spread out under the
/// table's random seed, so a lookup walks a short chain however the flows are chosen.
/// </summary>
public class HashFloodTests
{
    private const int Capacity = 512; // 1,024 entries over 1,024 buckets

    [Fact]
    public void Flows_crafted_to_collide_under_a_fixed_hash_spread_out_under_the_tables_seed()
    {
        // The attack: knowing the hash (here the unseeded one, seed 0), pick 400 source endpoints that land in one bucket.
        var fixedHash = new ConnectionTable(Capacity, seed: 0);
        var target = fixedHash.Bucket(Key(0xC6336400, 1));
        var crafted = new List<FlowKey>();
        for (uint address = 0xC6336400; crafted.Count < 400; address++)
        {
            for (int port = 1; port < 65536 && crafted.Count < 400; port++)
            {
                if (fixedHash.Bucket(Key(address, (ushort)port)) == target)
                {
                    crafted.Add(Key(address, (ushort)port));
                }
            }
        }
        Assert.True(Fill(fixedHash, crafted) >= 400, "without a seed, one chain holds every crafted flow");

        var seeded = new ConnectionTable(Capacity);
        int longest = Fill(seeded, crafted);
        // 800 entries over 1,024 buckets at random: the longest chain is about 6 (above 12 with probability under 1e-6).
        Assert.True(longest <= 12, $"the crafted flows still share a chain of {longest} under a random seed");
    }

    private static FlowKey Key(uint source, ushort port) => FlowKey.Of(source, 0xCB007102, port, 443, 0, 6);

    private static int Fill(ConnectionTable table, List<FlowKey> flows)
    {
        foreach (var key in flows)
        {
            Assert.True(table.Add(key, long.MaxValue) >= 0);
            Assert.True(table.Find(key, 0, out bool reply) >= 0 && !reply);
            Assert.True(table.Find(key.Reversed, 0, out reply) >= 0 && reply);
        }
        return table.LongestChain();
    }
}

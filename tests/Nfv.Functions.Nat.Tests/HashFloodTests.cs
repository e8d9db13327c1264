using Nfv.Ip.Connections;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat.Tests;

/// <summary>
/// Keys come from the network, so the connection table the sessions are kept in is keyed with a seed per table: flows
/// crafted to share one chain under a fixed hash spread out under the seed, and a lookup walks a short chain however the
/// flows are chosen.
/// </summary>
public class HashFloodTests
{
    private const int Sessions = 512;

    [Fact]
    public void Flows_crafted_to_collide_under_a_fixed_hash_spread_out_under_the_tables_seed()
    {
        // The attack: knowing the hash (here the unseeded one, seed 0), pick 400 remote endpoints of one mapping that all
        // land in the same bucket; an outside host can send from any of them.
        var fixedConnections = new ConnectionTable(Sessions, seed: 0);
        var fixedHash = new NatSessionTable(fixedConnections, Sessions, 0, 1, 1024, 65535, seed: 0);
        int mapping = fixedHash.AddMapping(Ipv4Header.ProtocolUdp, 0x0A00000A, 40000, 0, 0xCB007102);
        int target = fixedConnections.Bucket(Arriving(0xC6336400, 1));
        var crafted = new List<(uint Address, ushort Port)>();
        for (uint address = 0xC6336400; crafted.Count < 400; address++)
        {
            for (int port = 1; port < 65536 && crafted.Count < 400; port++)
            {
                if (fixedConnections.Bucket(Arriving(address, (ushort)port)) == target)
                {
                    crafted.Add((address, (ushort)port));
                }
            }
        }

        Assert.True(Fill(fixedHash, fixedConnections, mapping, crafted) >= 400, "without a seed, one chain holds every crafted flow");

        var seededConnections = new ConnectionTable(Sessions);
        var seeded = new NatSessionTable(seededConnections, Sessions, 0, 1, 1024, 65535);
        int seededMapping = seeded.AddMapping(Ipv4Header.ProtocolUdp, 0x0A00000A, 40000, 0, 0xCB007102);
        int longest = Fill(seeded, seededConnections, seededMapping, crafted);
        // 800 keys (each session's two) over 1,024 buckets at random: the longest chain is about 6 (above 12 with
        // probability under 1e-6).
        Assert.True(longest <= 12, $"the crafted flows still share a chain of {longest} under a random seed");
    }

    // What a packet from a remote endpoint to the mapping's external one (203.0.113.2:40000, the port kept) looks like.
    private static FlowKey Arriving(uint address, ushort port) => FlowKey.Of(address, 0xCB007102, port, 40000, 0, Ipv4Header.ProtocolUdp);

    // Adds a session per flow and returns the longest chain a lookup then walks.
    private static int Fill(NatSessionTable table, ConnectionTable connections, int mapping, List<(uint Address, ushort Port)> flows)
    {
        foreach (var (address, port) in flows)
        {
            Assert.True(table.AddSession(mapping, address, port, long.MaxValue, Sessions, inbound: true, out _) >= 0);
            Assert.True(table.FindSession(mapping, address, port, 0) >= 0);
        }
        return connections.LongestChain();
    }
}

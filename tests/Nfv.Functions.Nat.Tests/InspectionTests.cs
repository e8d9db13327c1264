using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>What <c>nfv show nat</c>, the API and the metrics see.</summary>
public class InspectionTests
{
    [Fact]
    public void Table_nat_lists_sessions_and_forwards_and_events_count_what_happened()
    {
        var h = new NatHarness(new NatOptions
        {
            MaxSessions = 100,
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H2), ToPort = 80 }],
        });
        h.FromInside(H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40000, 53));
        h.FromInside(H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 41000, 443, flags: 0x02));
        h.FromInside(H1, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 9));
        h.FromOutside(R2, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(1, 40000)); // filtered

        var table = Assert.Single(h.Nat.Tables);
        Assert.Equal("nat", table.Name);
        Assert.Equal(["protocol", "inside", "external", "remote", "state", "expires_seconds"], table.Columns);
        Assert.Equal(100, table.Capacity);
        Assert.Equal(3, table.Count);
        var rows = table.Rows().Select(r => string.Join(" ", r)).ToList();
        Assert.True(rows.Count == 4, string.Join("\n", rows));
        Assert.Contains("udp 10.0.0.10:40000 192.0.2.1:40000 192.0.2.20:53 active 300", rows);
        Assert.Contains("tcp 10.0.0.10:41000 192.0.2.1:41000 192.0.2.20:443 opening 240", rows);
        Assert.Contains("icmp 10.0.0.10#9 192.0.2.1#9 192.0.2.20 active 60", rows);
        Assert.Contains("tcp 10.0.0.11:80 192.0.2.1:8080 * forward ", rows);
        Assert.Equal(4, rows.Count);

        long Event(string name) => Assert.Single(h.Nat.Events, e => e.Name == name).Read();
        Assert.Equal(3, Event("sessions_created"));
        Assert.Equal(3, Event("translated_out"));
        Assert.Equal(1, Event("dropped_filtered"));
        Assert.Equal(0, Event("dropped_unsolicited"));
        Assert.All(h.Nat.Events, e => Assert.Matches("^[a-z_]+$", e.Name));
    }
}

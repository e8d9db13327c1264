using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>New settings for a running server (nfv apply): the leases that fit the new pools stay, on disk too.</summary>
public sealed class ReconfigureTests : IDisposable
{
    private const string Before = """
        dhcp:
          kind: dhcp
          address: 10.0.0.2/24
          pool: 10.0.0.100-10.0.0.109
          router: 10.0.0.1
          lease: 1h
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-dhcp-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static bool Reconfigure(DhcpHarness dhcp, string yaml, out DiagnosticBag diagnostics)
    {
        diagnostics = new DiagnosticBag();
        return dhcp.Function.Reconfigure(FunctionConfig.ParseFunction(yaml), diagnostics);
    }

    [Fact]
    public void A_smaller_pool_keeps_the_leases_inside_it_and_forgets_the_others_on_disk_too()
    {
        var macs = Enumerable.Range(0, 6).Select(i => FrameBuilder.Mac(0x700 + i)).ToList();
        Dictionary<MacAddress, string> leased;
        using (var dhcp = new DhcpHarness(Before, _directory))
        {
            leased = macs.ToDictionary(m => m, m => dhcp.Lease(m).Yiaddr); // .100 to .105

            Assert.True(Reconfigure(dhcp, Before.Replace("10.0.0.100-10.0.0.109", "10.0.0.103-10.0.0.120"), out var diagnostics),
                string.Join("\n", diagnostics.Items));

            Assert.Equal(["10.0.0.103", "10.0.0.104", "10.0.0.105"], dhcp.Function.Leases.Leases.Select(l => l.Address.ToString()).Order());
            foreach (var mac in macs)
            {
                var address = Ipv4Address.Parse(leased[mac]);
                var lease = dhcp.Function.Leases.ByAddress(address);
                Assert.Equal(address.Value >= Ipv4Address.Parse("10.0.0.103").Value, lease is not null && lease.Mac == mac);
            }
            // A client whose address left the pool is told so when it renews, and leases anew inside it.
            var renew = dhcp.Send(Client(Request, macs[0], ciaddr: Ipv4Address.Parse(leased[macs[0]]), broadcast: true));
            Assert.Equal(6, renew!.Type); // NAK
            Assert.Equal("10.0.0.106", dhcp.Lease(macs[0]).Yiaddr);
        }
        // After a restart the file holds what the server held: the kept leases and the new one, nothing outside the pool.
        using var restarted = new DhcpHarness(Before.Replace("10.0.0.100-10.0.0.109", "10.0.0.103-10.0.0.120"), _directory);
        Assert.Equal(["10.0.0.103", "10.0.0.104", "10.0.0.105", "10.0.0.106"], restarted.Function.Leases.Leases.Select(l => l.Address.ToString()).Order());
    }

    [Fact]
    public void A_kept_client_renews_its_address_with_the_new_lease_time()
    {
        using var dhcp = new DhcpHarness(Before, _directory);
        var mac = FrameBuilder.Mac(0x7A0);
        string address = dhcp.Lease(mac).Yiaddr;

        Assert.True(Reconfigure(dhcp, Before.Replace("lease: 1h", "lease: 2h"), out _));

        var ack = dhcp.Send(Client(Request, mac, ciaddr: Ipv4Address.Parse(address), broadcast: true))!;
        Assert.Equal(5, ack.Type);
        Assert.Equal(address, ack.Yiaddr);
        Assert.Equal(7200u, ack.OptionUInt32(51));
    }

    [Fact]
    public void Settings_that_do_not_read_change_nothing()
    {
        using var dhcp = new DhcpHarness(Before, _directory);
        string address = dhcp.Lease(FrameBuilder.Mac(0x7B0)).Yiaddr;

        Assert.False(Reconfigure(dhcp, Before.Replace("10.0.0.100-10.0.0.109", "10.1.0.100-10.1.0.109"), out var diagnostics));

        Assert.True(diagnostics.HasErrors);
        Assert.NotNull(dhcp.Function.Leases.ByAddress(Ipv4Address.Parse(address)));
        Assert.Equal("10.0.0.101", dhcp.Lease(FrameBuilder.Mac(0x7B1)).Yiaddr); // the old pool still serves
    }
}

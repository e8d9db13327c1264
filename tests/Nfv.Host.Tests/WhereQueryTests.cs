using Nfv.Management;

namespace Nfv.Host.Tests;

/// <summary>
/// <c>nfv where</c>'s join over the tables a running lab's functions keep, with tables written here as the functions
/// write them: a host, a MAC or an address finds the same machine, and each table adds what it knows.
/// </summary>
public class WhereQueryTests
{
    private static readonly WhereHost H1 = new("h1", "lan1", "02:00:00:00:00:01", ["192.168.10.100"]);
    private static readonly WhereHost Vm = new("vm1", "lan2", "02:00:00:00:00:02", []); // a VM: its lease is the guest's, known by MAC

    private static readonly WhereTable Mac = new("lan", "mac", ["vlan", "mac", "port", "age_seconds"],
        [["1", "02:00:00:00:00:01", "lan1", "3"], ["1", "02:00:00:00:00:02", "lan2", "1"], ["1", "02:00:00:00:00:09", "gw", "0"]]);
    private static readonly WhereTable Leases = new("dhcp", "leases", ["address", "state", "mac", "client", "hostname", "expires_in_seconds"],
        [["192.168.10.100", "bound", "02:00:00:00:00:01", "id:01", "h1", "43000"], ["192.168.10.101", "bound", "02:00:00:00:00:02", "id:01", "vm1", "3500"]]);
    private static readonly WhereTable Arp = new("gw", "arp", ["interface", "address", "mac", "state", "age_seconds"],
        [["lan", "192.168.10.100", "02:00:00:00:00:01", "reachable", "2"]]);
    private static readonly WhereTable Neighbours = new("gw", "neighbours", ["interface", "address", "mac", "state", "age_seconds"],
        [["lan", "2001:db8:10::5", "02:00:00:00:00:02", "stale", "40"]]);
    private static readonly WhereTable Nat = new("masq", "nat", ["protocol", "inside", "external", "remote", "state", "expires_seconds"],
        [["udp", "192.168.10.100:5000", "203.0.113.2:40001", "203.0.113.1:53", "active", "30"],
         ["tcp", "192.168.10.101:33000", "203.0.113.2:40002", "203.0.113.1:80", "established", "7000"]]);

    private static WhereView? Where(string query) => WhereQuery.Answer(query, [H1, Vm], [Mac, Leases, Arp, Neighbours, Nat]);

    [Fact]
    public void A_host_name_joins_its_port_lease_arp_entry_and_nat_sessions()
    {
        var h1 = Where("h1")!;

        Assert.Equal(("h1", "lan1"), (h1.Host, h1.Port));
        Assert.Equal([new WhereSeenView("lan", "lan1", "1", 3)], h1.Seen);
        Assert.Equal([new WhereLeaseView("dhcp", "192.168.10.100", "bound", "h1", 43000)], h1.Leases);
        Assert.Equal("lan", Assert.Single(h1.Neighbours).Interface);
        Assert.Equal("203.0.113.2:40001", Assert.Single(h1.Nat).External);
        Assert.Equal("h1 (port lan1) 02:00:00:00:00:01, on lan port lan1 vlan 1, lease 192.168.10.100 (dhcp, bound, 43000 s left), known to gw on lan, 1 NAT session (masq) as 203.0.113.2:40001",
            h1.Summary);
    }

    [Fact]
    public void A_vm_without_a_known_address_is_found_through_the_lease_of_its_mac_and_its_ipv6_neighbour_entry()
    {
        var vm = Where("vm1")!;

        Assert.Equal(["192.168.10.101", "2001:db8:10::5"], vm.Addresses);
        Assert.Equal("203.0.113.2:40002", Assert.Single(vm.Nat).External);
        Assert.Equal("stale", Assert.Single(vm.Neighbours).State);
    }

    [Theory]
    [InlineData("02:00:00:00:00:01")]
    [InlineData("02-00-00-00-00-01")]
    [InlineData("192.168.10.100")]
    public void A_mac_or_an_address_finds_the_host_that_has_it(string query) => Assert.Equal("h1", Where(query)!.Host);

    [Fact]
    public void An_ipv6_address_matches_however_it_is_written()
    {
        Assert.Equal("vm1", Where("2001:DB8:10:0::0:5")!.Host);
    }

    [Fact]
    public void A_mac_no_host_has_is_still_placed_by_the_switch_that_learned_it()
    {
        var gw = Where("02:00:00:00:00:09")!;

        Assert.Null(gw.Host);
        Assert.Equal("gw", Assert.Single(gw.Seen).Port);
    }

    [Theory]
    [InlineData("h9")]
    [InlineData("10.9.9.9")]
    [InlineData("02:00:00:00:00:77")]
    public void What_nothing_knows_has_no_answer(string query) => Assert.Null(Where(query));
}

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Tests;

/// <summary>The topology files under Fixtures/: one good lab, and bad ones with every error they must report.</summary>
public class FixtureTests
{
    [Fact]
    public void Valid_lab_resolves_functions_ports_links_and_hosts()
    {
        var result = Fixture.Load("valid-lab.yaml");

        Fixture.AssertDiagnostics(result);
        var t = result.Topology!;
        Assert.Equal("switch-lab", t.Name);
        Assert.Equal("two VLANs over a trunk", t.Description);
        Assert.Equal("Fixtures/valid-lab.yaml", t.FilePath);

        Assert.Equal(["core", "edge", "probe"], t.Functions.Select(f => f.Name));
        Assert.Equal(["switch", "switch", "dhcp"], t.Functions.Select(f => f.Kind)); // `kind: Switch` is matched without case
        Assert.Equal(new SourceSpan("Fixtures/valid-lab.yaml", 5, 3), t.Functions[0].Span);
        Assert.Equal(["up", "p10", "lan1"], t.Functions[0].Blueprint.Ports);
        Assert.Equal(["down", "lan3", "probe"], t.Functions[1].Blueprint.Ports);
        Assert.Equal(["eth"], t.Functions[2].Blueprint.Ports);

        Assert.Equal(
            [new ResolvedExternalPort("lan1", "nfv-lan1", new("Fixtures/valid-lab.yaml", 12, 3)),
             new ResolvedExternalPort("lan2", "nfv-lan2", new("Fixtures/valid-lab.yaml", 13, 3)),
             new ResolvedExternalPort("lan3", "nfv-lan3", new("Fixtures/valid-lab.yaml", 14, 3))],
            t.Ports);

        Assert.Equal(
            [new ResolvedLink(new(EndpointKind.ExternalPort, 0, 0, "lan1"), new(EndpointKind.Function, 0, 2, "core.lan1"), new("Fixtures/valid-lab.yaml", 16, 5)),
             new ResolvedLink(new(EndpointKind.ExternalPort, 1, 0, "lan2"), new(EndpointKind.Function, 0, 1, "core.p10"), new("Fixtures/valid-lab.yaml", 17, 5)),
             new ResolvedLink(new(EndpointKind.Function, 0, 0, "core.up"), new(EndpointKind.Function, 1, 0, "edge.down"), new("Fixtures/valid-lab.yaml", 18, 5)),
             new ResolvedLink(new(EndpointKind.ExternalPort, 2, 0, "lan3"), new(EndpointKind.Function, 1, 1, "edge.lan3"), new("Fixtures/valid-lab.yaml", 19, 5)),
             new ResolvedLink(new(EndpointKind.Function, 2, 0, "probe.eth"), new(EndpointKind.Function, 1, 2, "edge.probe"), new("Fixtures/valid-lab.yaml", 20, 5))],
            t.Links);

        Assert.Equal(
            [new ResolvedHost("h1", 0, Ipv4Prefix.Parse("10.0.0.1/24"), Ipv4Address.Parse("10.0.0.254"), new("Fixtures/valid-lab.yaml", 22, 3)),
             new ResolvedHost("h2", 1, Ipv4Prefix.Parse("10.0.10.2/24"), null, new("Fixtures/valid-lab.yaml", 23, 3))],
            t.Hosts);

        Assert.Equal([true, true, true], t.GetConnectedPorts(0));
        Assert.Equal([true], t.GetConnectedPorts(2));
    }

    [Fact]
    public void Valid_lab_gives_each_bare_end_the_other_end_as_peer_hint()
    {
        var t = Fixture.Load("valid-lab.yaml").Topology!;

        var edge = (FakeBlueprint)t.Functions[1].Blueprint;
        Assert.Equal([("down", "core.up"), (null, "lan3"), (null, "probe")], edge.Attached);
        var probe = (FakeBlueprint)t.Functions[2].Blueprint;
        Assert.Equal([(null, "edge")], probe.Attached);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_with_its_position()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-yaml-syntax.yaml"),
            "Fixtures/invalid-yaml-syntax.yaml(2,8): error NFV0001: invalid YAML: this '{' is not closed before line 3, column 1");
    }

    [Fact]
    public void Unknown_and_missing_kinds_are_reported()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-unknown-kind.yaml"),
            "Fixtures/invalid-unknown-kind.yaml(2,16): error NFV0104: function 'lan' has unknown kind 'swich'; known kinds: dhcp, switch; did you mean 'switch'?",
            "Fixtures/invalid-unknown-kind.yaml(3,15): error NFV0104: function 'gw' has unknown kind 'router'; known kinds: dhcp, switch",
            "Fixtures/invalid-unknown-kind.yaml(4,3): error NFV0101: function 'nokind' needs 'kind'; known kinds: dhcp, switch");
    }

    [Fact]
    public void Unknown_port_in_a_link_is_reported_by_the_function_or_the_loader()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-unknown-port.yaml"),
            "Fixtures/invalid-unknown-port.yaml(9,12): error NFV0105: 'lan' has no port 'uplink'; its ports are: up",
            "Fixtures/invalid-unknown-port.yaml(10,12): error NFV0105: 'dhcp' has no port 'lan'; its ports are: eth",
            "Fixtures/invalid-unknown-port.yaml(11,6): error NFV0105: 'lan3' is an external port, which has no ports of its own; write 'lan3', not 'lan3.eth0'");
    }

    [Fact]
    public void Dangling_link_ends_are_reported_with_a_close_name()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-dangling-link.yaml"),
            "Fixtures/invalid-dangling-link.yaml(7,12): error NFV0105: 'lna' is neither a function nor a port of this topology; did you mean 'lan'?",
            "Fixtures/invalid-dangling-link.yaml(8,6): error NFV0105: 'uplnk' is neither a function nor a port of this topology; did you mean 'uplink'?",
            "Fixtures/invalid-dangling-link.yaml(9,6): error NFV0105: 'wan' is neither a function nor a port of this topology; did you mean 'lan'?",
            "Fixtures/invalid-dangling-link.yaml(10,6): error NFV0106: 'lan.' has no port name after the '.'; write 'lan' or 'lan.PORT'");
    }

    [Fact]
    public void Duplicate_names_cite_both_places()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-duplicate-name.yaml"),
            "Fixtures/invalid-duplicate-name.yaml(5,3): error NFV0103: 'lan1' is already declared at Fixtures/invalid-duplicate-name.yaml(3,3); functions and external ports share one set of names",
            "Fixtures/invalid-duplicate-name.yaml(7,3): error NFV0103: 'lan2' is already declared at Fixtures/invalid-duplicate-name.yaml(6,3)");
    }

    [Fact]
    public void Bad_host_addresses_and_gateways_are_reported()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-bad-address.yaml"),
            "Fixtures/invalid-bad-address.yaml(20,28): error NFV0203: the address of host 'h1' must be an IPv4 address with a prefix length such as 10.0.0.1/24, not '10.0.0.300/24'",
            "Fixtures/invalid-bad-address.yaml(21,28): error NFV0203: the address of host 'h2' must be an IPv4 address with a prefix length such as 10.0.0.1/24, not '10.0.0.2'",
            "Fixtures/invalid-bad-address.yaml(22,50): error NFV0108: gateway 10.0.1.1 is outside the subnet 10.0.0.0/24 of host 'h3'",
            "Fixtures/invalid-bad-address.yaml(23,28): error NFV0108: address 10.0.0.3 is already used by host 'h3' at Fixtures/invalid-bad-address.yaml(22,28)",
            "Fixtures/invalid-bad-address.yaml(23,50): error NFV0203: the gateway of host 'h4' must be an IPv4 address such as 10.0.0.1, not '10.0.0.x'",
            "Fixtures/invalid-bad-address.yaml(24,28): error NFV0108: 10.0.0.0/24 is the network address of 10.0.0.0/24; host 'h5' needs an address inside it",
            "Fixtures/invalid-bad-address.yaml(25,50): error NFV0108: gateway 10.0.0.6 is the address of host 'h6' itself",
            "Fixtures/invalid-bad-address.yaml(26,28): error NFV0108: 10.0.0.255/24 is the broadcast address of 10.0.0.0/24; host 'h7' needs an address inside it");
    }

    [Fact]
    public void Bad_and_shared_tap_names_are_reported()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-tap-name.yaml"),
            "Fixtures/invalid-tap-name.yaml(4,14): error NFV0206: TAP name 'nfv-this-is-too-long' is 20 characters long; Linux allows at most 15",
            "Fixtures/invalid-tap-name.yaml(5,14): error NFV0206: TAP name 'nfv p2' cannot hold white space or control characters",
            "Fixtures/invalid-tap-name.yaml(7,14): error NFV0103: TAP 'nfv-lan' is already used by port 'p3' at Fixtures/invalid-tap-name.yaml(6,14)",
            "Fixtures/invalid-tap-name.yaml(8,3): error NFV0101: port 'p5' needs 'tap': the name of its TAP interface, such as nfv-p5; or 'vxlan': a tunnel to another machine; or 'socket': the path of a datagram socket a VM attaches to",
            "Fixtures/invalid-tap-name.yaml(8,9): error NFV0102: unknown key 'type' in port 'p5'; expected one of: tap, vxlan, socket, node");
    }

    [Fact]
    public void A_port_linked_twice_cites_the_first_link()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-linked-twice.yaml"),
            "Fixtures/invalid-linked-twice.yaml(10,6): error NFV0106: 'lan1' is already linked at Fixtures/invalid-linked-twice.yaml(9,5); a port takes one link",
            "Fixtures/invalid-linked-twice.yaml(12,12): error NFV0106: 'lan.up' is already linked at Fixtures/invalid-linked-twice.yaml(11,5); a port takes one link",
            "Fixtures/invalid-linked-twice.yaml(14,12): error NFV0106: 'dhcp.eth' is already linked at Fixtures/invalid-linked-twice.yaml(13,5); a port takes one link",
            "Fixtures/invalid-linked-twice.yaml(15,5): error NFV0106: a link cannot join 'lan2' to itself");
    }

    [Fact]
    public void Hosts_must_sit_on_declared_external_ports_one_each()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-host-port.yaml"),
            "Fixtures/invalid-host-port.yaml(10,15): error NFV0108: host 'h1' names port 'lan9', which is not declared under 'ports:'; did you mean 'lan1'?",
            "Fixtures/invalid-host-port.yaml(11,15): error NFV0108: host 'h2' must name an external port declared under 'ports:'; 'lan' is a function",
            "Fixtures/invalid-host-port.yaml(12,15): error NFV0108: host 'h3' must name an external port declared under 'ports:'; 'lan.up' is a function's port",
            "Fixtures/invalid-host-port.yaml(14,15): error NFV0108: port 'lan1' already carries host 'h4' (declared at Fixtures/invalid-host-port.yaml(13,3)); a port carries one host",
            "Fixtures/invalid-host-port.yaml(15,3): error NFV0101: host 'h6' needs 'port': the external port whose TAP becomes its eth0");
    }

    [Fact]
    public void Dhcp_hosts_with_a_gateway_or_a_bad_client_are_reported()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-dhcp-host.yaml"), DhcpHostErrors("Fixtures/invalid-dhcp-host.yaml"));
    }

    /// <summary>What Fixtures/invalid-dhcp-host.yaml reports, with the file named as given.</summary>
    internal static string[] DhcpHostErrors(string file) =>
    [
        $"{file}(10,45): error NFV0108: host 'h1' takes its gateway from DHCP (address: dhcp); remove 'gateway', or give a static address",
        $"{file}(11,49): error NFV0108: host 'h2' has unknown dhcp-client 'dhclent'; known clients: auto, dhclient, udhcpc, dhcpcd, builtin; did you mean 'dhclient'?",
        $"{file}(12,56): error NFV0108: host 'h3' has a static address, so 'dhcp-client' has nothing to do; write 'address: dhcp' or remove 'dhcp-client'",
        $"{file}(13,49): error NFV0201: the dhcp-client of host 'h4' must be a single value, not a list",
    ];

    [Fact]
    public void Many_errors_in_one_file_are_all_reported_in_file_order()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-many.yaml"),
            "Fixtures/invalid-many.yaml(2,1): error NFV0102: unknown key 'version' in the topology; expected one of: name, description, plugins, nodes, functions, ports, links, hosts, tests",
            "Fixtures/invalid-many.yaml(4,3): error NFV0206: function name '1lan' must start with a letter",
            "Fixtures/invalid-many.yaml(4,52): error NFV0207: a trunk VLAN must be a VLAN id from 1 to 4094, not '5000'",
            "Fixtures/invalid-many.yaml(4,63): error NFV0102: unknown key 'stp' in switch '1lan'; expected one of: kind, ports",
            "Fixtures/invalid-many.yaml(5,3): error NFV0101: function 'gw' needs 'kind'; known kinds: dhcp, switch",
            "Fixtures/invalid-many.yaml(6,3): warning NFV0107: function 'idle' is not linked to anything",
            "Fixtures/invalid-many.yaml(8,26): error NFV0102: unknown key 'mtu' in port 'lan1'; expected one of: tap, vxlan, socket, node",
            "Fixtures/invalid-many.yaml(11,5): error NFV0106: a link must join exactly two ends such as [lan1, sw] or [gw.lan, sw], not 3 ends",
            "Fixtures/invalid-many.yaml(12,5): error NFV0101: a link written as a mapping ({ endpoints: [a, b], capture: FILE.pcap, impair: { delay: 20ms } }) needs 'endpoints'",
            "Fixtures/invalid-many.yaml(12,7): error NFV0102: unknown key 'a' in a link; expected one of: endpoints, capture, impair",
            "Fixtures/invalid-many.yaml(12,16): error NFV0102: unknown key 'b' in a link; expected one of: endpoints, capture, impair",
            "Fixtures/invalid-many.yaml(13,12): error NFV0106: a link end must be a name such as lan1 or gw.lan, not a list",
            "Fixtures/invalid-many.yaml(14,5): error NFV0106: a link must be a list of two ends such as [lan1, sw] or [gw.lan, sw], or { endpoints: [a, b], capture: FILE.pcap }, not the value 'lan2'",
            "Fixtures/invalid-many.yaml(16,3): error NFV0101: host 'h1' needs 'address', such as 10.0.0.1/24, dhcp, 2001:db8::1/64 or slaac",
            "Fixtures/invalid-many.yaml(16,21): error NFV0102: unknown key 'adress' in host 'h1'; expected one of: port, address, gateway, dhcp-client, mac, cpu, memory, pids, exec, vm",
            "Fixtures/invalid-many.yaml(17,3): error NFV0206: host name 'h.2' may hold only letters, digits, '_' and '-', not '.'",
            "Fixtures/invalid-many.yaml(17,31): error NFV0203: the address of host 'h.2' must be an IPv4 address with a prefix length such as 10.0.0.1/24, not '10.0.0.2/33'");
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-empty.yaml"),
            "Fixtures/invalid-empty.yaml(1,1): error NFV0201: the file is empty; a topology is a mapping with 'functions', 'ports', 'links' and 'hosts'");
    }

    [Fact]
    public void A_list_at_the_root_is_refused()
    {
        Fixture.AssertDiagnostics(Fixture.Load("invalid-not-mapping.yaml"),
            "Fixtures/invalid-not-mapping.yaml(1,1): error NFV0201: a topology must be a mapping with 'functions', 'ports', 'links' and 'hosts', not a list");
    }

    [Fact]
    public void Every_fixture_is_covered_by_a_test()
    {
        var tested = new[]
        {
            "valid-lab.yaml", "invalid-yaml-syntax.yaml", "invalid-unknown-kind.yaml", "invalid-unknown-port.yaml",
            "invalid-dangling-link.yaml", "invalid-duplicate-name.yaml", "invalid-bad-address.yaml", "invalid-tap-name.yaml",
            "invalid-linked-twice.yaml", "invalid-host-port.yaml", "invalid-dhcp-host.yaml", "invalid-many.yaml",
            "invalid-empty.yaml", "invalid-not-mapping.yaml",
        };
        var present = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.yaml").Select(Path.GetFileName);
        Assert.Equal(tested.Order(), present.Order());
    }
}

using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Tests;

/// <summary>A port may be a VXLAN tunnel instead of a TAP: read with its defaults, and refused with line and column when wrong.</summary>
public class VxlanPortTests
{
    private static TopologyLoadResult Load(string tunnel, string hosts = "") => TopologyLoader.LoadFromText($$"""
        functions:
          sw: { kind: switch }
        ports:
          p1: { tap: nfv-p1 }
          far: {{tunnel}}
        links:
          - [p1, sw]
          - [far, sw]
        {{hosts}}
        """, "lab.yaml", FakeFunctions.Catalog());

    [Fact]
    public void A_vxlan_port_is_read_with_the_defaults_rfc_7348_gives()
    {
        var result = Load("{ vxlan: { remote: 192.0.2.2, vni: 100 } }");
        Fixture.AssertDiagnostics(result);
        var port = result.Topology!.Ports[1];
        Assert.Null(port.TapName);
        var tunnel = port.Vxlan!;
        Assert.Equal([Ipv4Address.Parse("192.0.2.2")], tunnel.Remotes);
        Assert.Equal((100u, (ushort)4789, 64, 0, (Ipv4Address?)null), (tunnel.Vni, tunnel.Port, tunnel.Ttl, tunnel.Tos, tunnel.Local));
        Assert.Equal("vxlan vni 100 to 192.0.2.2 port 4789", port.Describe());
    }

    [Fact]
    public void Every_key_is_read_and_several_remotes_make_head_end_replication()
    {
        var result = Load("{ vxlan: { remote: [192.0.2.2, 192.0.2.3], vni: 16777215, port: 8472, local: 192.0.2.1, ttl: 8, tos: 184 } }");
        Fixture.AssertDiagnostics(result);
        var tunnel = result.Topology!.Ports[1].Vxlan!;
        Assert.Equal(["192.0.2.2", "192.0.2.3"], tunnel.Remotes.Select(r => r.ToString()));
        Assert.Equal((16777215u, (ushort)8472, "192.0.2.1", 8, 184), (tunnel.Vni, tunnel.Port, tunnel.Local.ToString(), tunnel.Ttl, tunnel.Tos));
    }

    [Theory]
    [InlineData("{ tap: nfv-far, vxlan: { remote: 192.0.2.2, vni: 1 } }", "lab.yaml(5,31): error NFV0112: port 'far' is a TAP, a VXLAN tunnel or a socket, one of them: keep one of 'tap' and 'vxlan'")]
    [InlineData("{ vxlan: { vni: 1 } }", "lab.yaml(5,17): error NFV0101: ")]
    [InlineData("{ vxlan: { remote: 192.0.2.2 } }", "lab.yaml(5,17): error NFV0101: ")]
    [InlineData("{ vxlan: { remote: 192.0.2.2, vni: 16777216 } }", "lab.yaml(5,43): error NFV0202: ")]
    [InlineData("{ vxlan: { remote: 192.0.2.x, vni: 1 } }", "lab.yaml(5,27): error NFV0203: ")]
    [InlineData("{ vxlan: { remote: [192.0.2.2, 192.0.2.2], vni: 1 } }", "lab.yaml(5,39): error NFV0112: remote 192.0.2.2 of the vxlan of port 'far' is listed twice")]
    [InlineData("{ vxlan: { remote: [], vni: 1 } }", "lab.yaml(5,27): error NFV0112: the vxlan of port 'far' needs at least one remote")]
    [InlineData("{ vxlan: { remote: 192.0.2.2, vni: 1, mtu: 1450 } }", "lab.yaml(5,46): error NFV0102: unknown key 'mtu'")]
    public void A_wrong_tunnel_is_an_error_at_its_line_and_column(string tunnel, string expected)
    {
        var result = Load(tunnel);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_tunnels_on_one_socket_address_are_refused_and_a_host_on_a_tunnel_too()
    {
        var twice = TopologyLoader.LoadFromText("""
            functions:
              sw: { kind: switch }
            ports:
              a: { vxlan: { remote: 192.0.2.2, vni: 1 } }
              b: { vxlan: { remote: 192.0.2.3, vni: 2 } }
            links:
              - [a, sw]
              - [b, sw]
            """, "lab.yaml", FakeFunctions.Catalog());
        Assert.Contains(twice.Diagnostics, d => d.Code == DiagnosticCodes.BadExternalPort && d.Message.Contains("like port 'a'", StringComparison.Ordinal));

        var hosted = Load("{ vxlan: { remote: 192.0.2.2, vni: 1 } }", "hosts:\n  h1: { port: far, address: 10.0.0.1/24 }");
        Assert.Contains(hosted.Diagnostics, d => d.Code == DiagnosticCodes.BadExternalPort && d.Message.Contains("a lab host needs a TAP port", StringComparison.Ordinal));
    }
}

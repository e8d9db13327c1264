using Nfv.Testing;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>A firewall's configuration as a topology file gives it: what is read, and every mistake at its line and column.</summary>
public class ConfigTests
{
    private static FirewallBlueprint Define(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new FirewallFunctionFactory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (FirewallBlueprint)blueprint;
    }

    private static string Refused(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new FirewallFunctionFactory(), yaml);
        Assert.Null(blueprint);
        return string.Join("\n", diagnostics.Items);
    }

    [Fact]
    public void Rules_are_read_in_order_with_every_match_and_the_policies()
    {
        var options = Define("""
            fw:
              kind: firewall
              default: allow
              non-ip: allow
              max-connections: 1000
              udp-timeout: 30s
              rules:
                - { action: allow, from: inside, protocol: tcp, dst: 192.0.2.0/24, dst-port: 80 }
                - { action: deny, src: 10.0.0.5, protocol: udp, src-port: 5000-5100 }
                - { action: allow, protocol: icmp, icmp-type: echo-request, vlan: 10 }
                - { action: deny, protocol: 47, vlan: untagged }
                - { action: deny }
            """).Options;

        Assert.Equal(FirewallAction.Allow, options.Default);
        Assert.Equal(FirewallAction.Allow, options.NonIp);
        Assert.Equal(1000, options.MaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(30), options.UdpTimeout);
        Assert.Equal(
            ["from inside tcp dst 192.0.2.0/24 dst-port 80", "udp src 10.0.0.5/32 src-port 5000-5100", "vlan 10 icmp echo-request", "untagged protocol 47", "any"],
            options.Rules.Select(r => r.Text));
        Assert.Equal([FirewallAction.Allow, FirewallAction.Deny, FirewallAction.Allow, FirewallAction.Deny, FirewallAction.Deny], options.Rules.Select(r => r.Action));
        Assert.Equal(((ushort)80, (ushort)80), options.Rules[0].Match.DestinationPorts);
        Assert.Equal(0, options.Rules[3].Match.Vlan);
    }

    [Fact]
    public void Without_rules_everything_new_is_denied_and_non_ip_frames_too()
    {
        var options = Define("fw: { kind: firewall }").Options;
        Assert.Empty(options.Rules);
        Assert.Equal(FirewallAction.Deny, options.Default);
        Assert.Equal(FirewallAction.Deny, options.NonIp);
    }

    [Theory]
    [InlineData("- { action: permit }", "test.yaml(4,17): error NFV1501: 'action' of rule 1 of firewall 'fw' is 'permit'; it must be one of: allow, deny")]
    [InlineData("- { protocol: tcp }", "test.yaml(4,7): error NFV0101: rule 1 of firewall 'fw' needs 'action'")]
    [InlineData("- { action: allow, dst-port: 80 }", "test.yaml(4,24): error NFV0209: 'dst-port' of rule 1 of firewall 'fw' needs 'protocol: tcp' or 'protocol: udp'")]
    [InlineData("- { action: allow, protocol: tcp, icmp-type: 8 }", "test.yaml(4,39): error NFV0209: 'icmp-type' of rule 1 of firewall 'fw' needs 'protocol: icmp'")]
    [InlineData("- { action: allow, protocol: udp, dst-port: 90-80 }", "test.yaml(4,49): error NFV0208: 'dst-port' of rule 1 of firewall 'fw' is '90-80'; write a port (80) or a range (5000-5100) from 0 to 65535")]
    [InlineData("- { action: allow, protocol: sctpp }", "test.yaml(4,34): error NFV0208: 'protocol' of rule 1 of firewall 'fw' is 'sctpp'; it must be tcp, udp, icmp, any or a protocol number from 0 to 255")]
    [InlineData("- { action: allow, src: 10.0.0.0/33 }", "test.yaml(4,29): error NFV0203: 'src' of rule 1 of firewall 'fw' must be an IPv4 address or prefix such as 10.1.0.0/24, not '10.0.0.0/33'")]
    [InlineData("- { action: allow, vlan: 5000 }", "test.yaml(4,30): error NFV0207: ")]
    [InlineData("- { action: allow, form: inside }", "test.yaml(4,24): error NFV0102: unknown key 'form' in rule 1 of firewall 'fw'; expected one of: action, from, protocol, src, dst, src-port, dst-port, icmp-type, dscp, vlan")]
    [InlineData("- { action: allow, protocol: icmp, icmp-type: echo }", "test.yaml(4,51): error NFV0208: 'icmp-type' of rule 1 of firewall 'fw' is 'echo'; it must be a number from 0 to 255 or one of: ")]
    public void A_bad_rule_is_refused_at_its_line_and_column(string rule, string expected)
    {
        var error = Refused($"""
            fw:
              kind: firewall
              rules:
                {rule}
            """);
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void Every_bad_rule_is_reported_not_only_the_first()
    {
        var errors = Refused("""
            fw:
              kind: firewall
              default: reject
              rules:
                - { action: permit }
                - { action: allow, protocol: udp, src-port: x }
            """).Split('\n');
        Assert.Equal(3, errors.Length);
        Assert.Contains(errors, e => e.Contains("(3,12): error NFV1501", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("(5,17): error NFV1501", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("(6,49): error NFV0208", StringComparison.Ordinal));
    }
}

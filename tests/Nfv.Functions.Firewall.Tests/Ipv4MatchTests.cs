using Nfv.Ip;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Firewall.Tests.FirewallHarness;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>The packet match the firewall shares with other functions (Nfv.Ip): fields read from a frame, then matched.</summary>
public class Ipv4MatchTests
{
    [Fact]
    public void A_tagged_tcp_frame_yields_its_vlan_addresses_ports_flags_and_dscp()
    {
        var frame = Tcp(Inside, Syn, insidePort: 40000, outsidePort: 443);
        frame[15] = 46 << 2; // DSCP EF
        var tagged = FrameBuilder.Tag(frame, 10);
        Assert.Equal(Ipv4FieldsResult.Ipv4, Ipv4Fields.Read(tagged, out var f));
        Assert.Equal((10, 6, 46), (f.Vlan, (int)f.Protocol, (int)f.Dscp));
        Assert.Equal((Ipv4Address.Parse(InsideHost).Value, Ipv4Address.Parse(OutsideHost).Value), (f.Source, f.Destination));
        Assert.Equal((40000, 443, Syn), ((int)f.SourcePort, (int)f.DestinationPort, f.TcpFlags));
        Assert.Equal(18 + 20, f.TransportOffset);
    }

    [Fact]
    public void What_is_not_ipv4_or_is_cut_short_says_so()
    {
        Assert.Equal(Ipv4FieldsResult.NotIpv4, Ipv4Fields.Read(FrameBuilder.Ethernet(OutsideMac, InsideMac, etherType: 0x86DD), out var f));
        Assert.Equal(0x86DD, f.EtherType);
        Assert.Equal(Ipv4FieldsResult.Malformed, Ipv4Fields.Read(Udp(Inside)[..(14 + 20 + 4)], out _));
        Assert.Equal(Ipv4FieldsResult.Malformed, Ipv4Fields.Read(new byte[10], out _));
    }

    [Theory]
    [InlineData("protocol: tcp, dst-port: 443", true)]
    [InlineData("protocol: tcp, dst-port: 80-442", false)]
    [InlineData("src: 10.0.0.0/8, dscp: 46", true)]
    [InlineData("dscp: 0", false)]
    [InlineData("vlan: 10, dst: 192.0.2.1", true)]
    [InlineData("vlan: untagged", false)]
    [InlineData("protocol: udp", false)]
    public void Every_field_written_must_match(string yaml, bool matches)
    {
        var diagnostics = new Nfv.Abstractions.Configuration.DiagnosticBag();
        var match = new Nfv.Abstractions.Configuration.ConfigReader(diagnostics).Match(FunctionConfig.Parse($"{{ {yaml} }}"), "the match");
        Assert.True(match is not null, string.Join("\n", diagnostics.Items));
        var frame = Tcp(Inside, Syn, outsidePort: 443);
        frame[15] = 46 << 2;
        Ipv4Fields.Read(FrameBuilder.Tag(frame, 10), out var fields);
        Assert.Equal(matches, new Ipv4Matcher(match).Matches(fields));
    }

    [Fact]
    public void A_match_prints_as_it_is_read()
    {
        var match = new Ipv4Match { Vlan = 10, Protocol = Ipv4Header.ProtocolUdp, Dscp = 46, Destination = Ipv4Prefix.Parse("192.0.2.0/24"), DestinationPorts = (5000, 5100) };
        Assert.Equal("vlan 10 udp dscp 46 dst 192.0.2.0/24 dst-port 5000-5100", match.ToString());
        Assert.Equal("any", Ipv4Match.Any.ToString());
    }
}

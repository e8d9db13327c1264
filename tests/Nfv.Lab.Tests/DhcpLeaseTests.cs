using Nfv.Ip.Headers;

namespace Nfv.Lab.Tests;

/// <summary>Reading what the client script recorded.</summary>
public class DhcpLeaseTests
{
    [Fact]
    public void Every_field_is_read()
    {
        var lease = DhcpLease.Parse("""
            reason=BOUND
            ip=10.98.1.121
            mask=255.255.255.0
            router=10.98.1.1 10.98.1.2
            dns=10.98.1.53 10.98.1.54
            domain=lab.test
            lease=120
            serverid=10.98.1.1

            """);

        Assert.Equal(new DhcpLease(Ipv4Prefix.Parse("10.98.1.121/24"), Ipv4Address.Parse("10.98.1.1"),
            [Ipv4Address.Parse("10.98.1.53"), Ipv4Address.Parse("10.98.1.54")], "lab.test", TimeSpan.FromSeconds(120),
            Ipv4Address.Parse("10.98.1.1"), "BOUND"), lease);
        Assert.Equal("10.98.1.121/24 router 10.98.1.1 dns 10.98.1.53,10.98.1.54 domain lab.test lease 120 s from 10.98.1.1", lease!.ToString());
    }

    [Fact]
    public void Options_the_server_did_not_send_are_absent()
    {
        var lease = DhcpLease.Parse("reason=renew\nip=192.168.7.9\nmask=255.255.0.0\nrouter=\ndns=\ndomain=\nlease=\nserverid=\n")!;

        Assert.Equal(Ipv4Prefix.Parse("192.168.7.9/16"), lease.Address);
        Assert.Null(lease.Router);
        Assert.Empty(lease.DnsServers);
        Assert.Null(lease.Domain);
        Assert.Null(lease.LeaseTime);
        Assert.Null(lease.ServerId);
        Assert.Equal("RENEW", lease.Reason);
        Assert.Equal("192.168.7.9/16", lease.ToString());
    }

    [Theory]
    [InlineData("255.255.255.255", 32)]
    [InlineData("255.255.255.252", 30)]
    [InlineData("255.0.0.0", 8)]
    [InlineData("0.0.0.0", 0)]
    [InlineData("24", 24)]
    [InlineData("255.255.0.255", null)]
    [InlineData("33", null)]
    [InlineData("-1", null)]
    [InlineData("", null)]
    [InlineData("mask", null)]
    public void Masks_are_dotted_or_lengths_and_contiguous(string mask, int? length) =>
        Assert.Equal(length, DhcpLease.PrefixLength(mask));

    [Theory]
    [InlineData("")]
    [InlineData("reason=BOUND\nmask=255.255.255.0\n")]
    [InlineData("reason=BOUND\nip=10.0.0.300\nmask=255.255.255.0\n")]
    [InlineData("reason=BOUND\nip=10.0.0.3\nmask=255.0.255.0\n")]
    [InlineData("reason=BOUND\nip=10.0.0.3\n")]
    public void Without_a_valid_address_and_mask_there_is_no_lease(string text) =>
        Assert.Null(DhcpLease.Parse(text));

    [Fact]
    public void Malformed_values_and_unknown_keys_are_ignored()
    {
        var lease = DhcpLease.Parse("ip=10.0.0.3\nmask=8\nrouter=nope 10.0.0.1\ndns=10.0.0.x 10.0.0.53\nlease=-5\nserverid=x\nwhat=ever\nno equals sign\n")!;

        Assert.Equal(Ipv4Address.Parse("10.0.0.1"), lease.Router);
        Assert.Equal([Ipv4Address.Parse("10.0.0.53")], lease.DnsServers);
        Assert.Null(lease.LeaseTime);
        Assert.Null(lease.ServerId);
        Assert.Equal("", lease.Reason);
    }
}

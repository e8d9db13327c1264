using Nfv.Management;

namespace Nfv.Host.Tests;

public class ManagementOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:9470", null)]
    [InlineData("127.0.0.5:0", null)]
    [InlineData("[::1]:9470", null)]
    [InlineData("0.0.0.0:9470", "s3cret")]
    public void Loopback_or_a_token_is_accepted(string address, string? token)
    {
        var (endpoint, error) = new ManagementOptions { Address = address, Token = token }.Resolve();
        Assert.Null(error);
        Assert.NotNull(endpoint);
    }

    [Fact]
    public void Off_loopback_without_a_token_is_refused_with_the_reason()
    {
        var (endpoint, error) = new ManagementOptions { Address = "0.0.0.0:9470" }.Resolve();
        Assert.Null(endpoint);
        Assert.Contains("not loopback", error);
        Assert.Contains("Nfv:Management:Token", error);
    }

    [Theory]
    [InlineData("localhost:9470")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("")]
    public void A_malformed_address_is_refused_with_the_expected_shape(string address)
    {
        var (endpoint, error) = new ManagementOptions { Address = address }.Resolve();
        Assert.Null(endpoint);
        Assert.Contains("must be IP:PORT", error);
    }

    [Theory]
    [InlineData("VlanNotAllowed", "vlan_not_allowed")]
    [InlineData("Runt", "runt")]
    [InlineData("LoopGuard", "loop_guard")]
    public void Drop_reasons_become_snake_case_labels(string reason, string label) =>
        Assert.Equal(label, NfvMetrics.Snake(reason));
}

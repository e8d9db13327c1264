using Nfv.Testing;

namespace Nfv.Functions.Impair.Tests;

public class ConfigTests
{
    [Theory]
    [InlineData("loss: 10", "NFV1902", "must be a percentage from 0% to 100%")]
    [InlineData("loss: 101%", "NFV1902", "must be a percentage")]
    [InlineData("duplicate: -1%", "NFV1902", "must be a percentage")]
    [InlineData("reorder: 10%", "NFV1903", "needs a 'delay'")]
    [InlineData("delay: 5ms, distribution: gamma", "NFV1901", "")]
    [InlineData("loss: { to-bad: 1% }", "NFV0101", "to-good")]
    [InlineData("loss: { to-bad: 0%, to-good: 5% }", "NFV1902", "plain loss")]
    [InlineData("delay: 2min", "NFV0205", "")]
    [InlineData("rate: 1kbit", "NFV0210", "")]
    [InlineData("outbound: { queue: 5 }", "NFV0102", "queue")]
    [InlineData("sideways: { delay: 5ms }", "NFV0102", "sideways")]
    public void Bad_settings_are_refused_with_their_code(string settings, string code, string message)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new ImpairFunctionFactory(), $"imp: {{ kind: impair, {settings} }}");

        Assert.Null(blueprint);
        Assert.Contains(diagnostics.Items, d => d.Code == code && d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Direction_settings_override_the_shared_ones_key_by_key()
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new ImpairFunctionFactory(),
            "imp: { kind: impair, delay: 10ms, loss: 2%, outbound: { delay: 30ms }, inbound: { loss: 0% }, queue: 64, seed: 1 }");

        Assert.Empty(diagnostics.Items);
        var options = ((ImpairBlueprint)blueprint!).Options;
        Assert.Equal(TimeSpan.FromMilliseconds(30), options.Outbound.Delay);
        Assert.Equal(0.02, options.Outbound.Loss!.Probability, 6);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.Inbound.Delay);
        Assert.Null(options.Inbound.Loss);
        Assert.Equal(64, options.QueuePackets);
        Assert.Equal(1, options.Seed);
    }
}

namespace Nfv.IntegrationTests;

/// <summary>The tests' own <c>ip</c> steps (namespaces, veth pairs, bridges, addresses): each must succeed.</summary>
internal static class Ip
{
    /// <summary>Runs <c>ip ARGUMENTS</c>; fails the test with ip's output when it does not succeed.</summary>
    public static async Task RunAsync(params string[] arguments)
    {
        var result = await Shell.RunAsync("ip", arguments, TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result}");
    }
}

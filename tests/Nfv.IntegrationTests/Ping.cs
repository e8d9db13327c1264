namespace Nfv.IntegrationTests;

/// <summary>ping from inside a lab host, bounded, with the assertions every lab test makes.</summary>
public static class Ping
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    /// <summary>Runs <c>ping -c COUNT -i 0.2 -W 2 -n [EXTRA] ADDRESS</c> inside <paramref name="fromHost"/>.</summary>
    public static Task<CommandResult> RunAsync(string fromHost, string address, int count = 3, params string[] extra) =>
        Shell.InNamespaceAsync(fromHost, Timeout, ["ping", "-c", count.ToString(), "-i", "0.2", "-W", "2", "-n", .. extra, address]);

    /// <summary>Asserts every echo of three comes back.</summary>
    public static async Task AssertReachesAsync(string fromHost, string address)
    {
        var ping = await RunAsync(fromHost, address);
        Assert.True(ping.ExitCode == 0, $"{fromHost} should reach {address}: {ping}");
        Assert.Contains(" 0% packet loss", ping.StandardOutput);
    }

    /// <summary>Asserts no echo of two comes back.</summary>
    public static async Task AssertCannotReachAsync(string fromHost, string address)
    {
        var ping = await RunAsync(fromHost, address, count: 2);
        Assert.True(ping.ExitCode != 0, $"{fromHost} must not reach {address}: {ping}");
        Assert.Contains("100% packet loss", ping.StandardOutput);
    }
}

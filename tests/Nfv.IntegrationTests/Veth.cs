namespace Nfv.IntegrationTests;

/// <summary>Namespaces joined by a veth pair: a stub LAN without nfv (the kernel here has no <c>dummy</c>).</summary>
public static class Veth
{
    /// <summary>
    /// Creates namespaces <paramref name="a"/> and <paramref name="b"/> (names from <see cref="Lab.Host"/>, so teardown
    /// deletes them, and the pair with them) joined by a veth pair whose ends are <c>eth0</c> in each, up;
    /// <paramref name="addressA"/> (such as <c>10.78.0.1/24</c>) goes on <paramref name="a"/>'s end.
    /// </summary>
    public static async Task LinkAsync(Lab lab, string a, string b, string addressA)
    {
        string endA = lab.Tap("va"), endB = lab.Tap("vb"); // registered: teardown removes them if a step fails before the move
        await Run("netns", "add", a);
        await Run("netns", "add", b);
        await Run("link", "add", endA, "type", "veth", "peer", "name", endB);
        await Run("link", "set", endA, "netns", a);
        await Run("link", "set", endB, "netns", b);
        await Run("-n", a, "link", "set", endA, "name", "eth0");
        await Run("-n", b, "link", "set", endB, "name", "eth0");
        await Run("-n", a, "addr", "add", addressA, "dev", "eth0");
        foreach (var ns in (string[])[a, b])
        {
            await Run("-n", ns, "link", "set", "lo", "up");
            await Run("-n", ns, "link", "set", "eth0", "up");
        }
    }

    private static async Task Run(params string[] arguments)
    {
        var result = await Shell.RunAsync("ip", arguments);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result}");
    }
}

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
        await Ip.RunAsync("netns", "add", a);
        await Ip.RunAsync("netns", "add", b);
        await Ip.RunAsync("link", "add", endA, "type", "veth", "peer", "name", endB);
        await Ip.RunAsync("link", "set", endA, "netns", a);
        await Ip.RunAsync("link", "set", endB, "netns", b);
        await Ip.RunAsync("-n", a, "link", "set", endA, "name", "eth0");
        await Ip.RunAsync("-n", b, "link", "set", endB, "name", "eth0");
        await Ip.RunAsync("-n", a, "addr", "add", addressA, "dev", "eth0");
        foreach (var ns in (string[])[a, b])
        {
            await Ip.RunAsync("-n", ns, "link", "set", "lo", "up");
            await Ip.RunAsync("-n", ns, "link", "set", "eth0", "up");
        }
    }
}

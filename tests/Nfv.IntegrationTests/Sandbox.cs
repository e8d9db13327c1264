namespace Nfv.IntegrationTests;

/// <summary>
/// Runs a command in a network namespace and a mount namespace of its own, with private <c>/run/netns</c> and
/// <c>/run/nfv</c> and <c>/sys</c> showing its own devices: a shipped topology runs there as shipped, its TAPs,
/// namespaces, sockets and management port named as in the file, and nothing of it can meet the machine's or another
/// test's. Everything goes with the last process inside.
/// </summary>
public static class Sandbox
{
    private const string Setup =
        "mkdir -p /run/netns /run/nfv && mount -t tmpfs nfv-netns /run/netns && mount -t tmpfs nfv-run /run/nfv && " +
        "mount -t sysfs sysfs /sys && ip link set lo up && exec \"$@\"";

    /// <summary>Runs <paramref name="command"/> in a new sandbox, at most <paramref name="timeout"/>.</summary>
    public static Task<CommandResult> RunAsync(IEnumerable<string> command, TimeSpan timeout) =>
        Shell.RunAsync("unshare", ["--mount", "--net", "--propagation", "private", "--", "/bin/sh", "-c", Setup, "sandbox", .. command], timeout);
}

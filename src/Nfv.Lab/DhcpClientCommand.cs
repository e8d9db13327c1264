using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The command lines that run each client (as arguments to <c>ip</c>): in the foreground, so the process
/// started is the client itself (<c>ip netns exec</c> execs it in place) and can be signalled by that id.
/// </summary>
internal static class DhcpClientCommand
{
    /// <summary>
    /// <c>ip netns exec NS CLIENT ...</c>: a client that keeps its lease and renews it until stopped. <paramref name="program"/>
    /// is how to run the client here (<c>udhcpc</c>, or <c>busybox udhcpc</c>: <see cref="DhcpClients.Program"/>).
    /// </summary>
    public static string[] Start(DhcpClientKind kind, string[] program, string networkNamespace, string interfaceName, DhcpClientFiles files) => kind switch
    {
        // -d: stay in the foreground (without it dhclient forks once bound). -cf: our own dhclient.conf, not /etc's.
        DhcpClientKind.Dhclient => ["netns", "exec", networkNamespace, .. program, "-d", "-v", .. DhclientFiles(files), interfaceName],
        // -f: foreground. -t 3 -T 1 -A 3: three DISCOVERs a second apart, then a 3 s pause, for ever (no -n).
        DhcpClientKind.Udhcpc => ["netns", "exec", networkNamespace, .. program, "-f", "-i", interfaceName, "-s", files.Script, "-t", "3", "-T", "1", "-A", "3"],
        // dhcpcd has no flag for its state folders: hide them under tmpfs mounts, which stay inside the private
        // mount namespace ip netns exec gives the command. -B: foreground. -t 0: wait for a lease for ever.
        // -4 -L -A: IPv4 only, no link-local fallback, no ARP probe (which costs seconds).
        DhcpClientKind.Dhcpcd => ["netns", "exec", networkNamespace, "sh", "-c",
            "mount -t tmpfs nfv-dhcpcd /var/lib/dhcpcd && mount -t tmpfs nfv-dhcpcd /run && mkdir /run/dhcpcd && " +
            $"exec dhcpcd -f /dev/null -o domain_name_servers -o domain_name -4 -B -t 0 -L -A -c {DhcpClientScript.Quote(files.Script)} {DhcpClientScript.Quote(interfaceName)}"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a DHCP client"),
    };

    /// <summary>
    /// <c>dhclient -r</c> with the running client's files: sends DHCPRELEASE, runs the script with <c>RELEASE</c>,
    /// and stops the running client through its pid file (SIGTERM).
    /// </summary>
    public static string[] DhclientRelease(string networkNamespace, string interfaceName, DhcpClientFiles files) =>
        ["netns", "exec", networkNamespace, "dhclient", "-r", "-v", .. DhclientFiles(files), interfaceName];

    private static string[] DhclientFiles(DhcpClientFiles files) =>
        ["-cf", files.DhclientConf, "-pf", files.DhclientPid, "-lf", files.DhclientLeases, "-sf", files.Script];
}

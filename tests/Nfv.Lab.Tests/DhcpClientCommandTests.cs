using Nfv.Topology;

namespace Nfv.Lab.Tests;

/// <summary>The command lines: every client in the foreground, every file it writes in its own folder.</summary>
public class DhcpClientCommandTests
{
    private static readonly DhcpClientFiles Files = new("/tmp/nfv-x");

    [Fact]
    public void Dhclient_runs_in_the_foreground_with_its_own_config_script_pid_and_lease_files()
    {
        Assert.Equal(
            ["netns", "exec", "h1", "dhclient", "-d", "-v", "-cf", "/tmp/nfv-x/dhclient.conf", "-pf", "/tmp/nfv-x/dhclient.pid",
             "-lf", "/tmp/nfv-x/dhclient.leases", "-sf", "/tmp/nfv-x/client-script", "eth0"],
            DhcpClientCommand.Start(DhcpClientKind.Dhclient, ["dhclient"], "h1", "eth0", Files));
        Assert.Equal(
            ["netns", "exec", "h1", "dhclient", "-r", "-v", "-cf", "/tmp/nfv-x/dhclient.conf", "-pf", "/tmp/nfv-x/dhclient.pid",
             "-lf", "/tmp/nfv-x/dhclient.leases", "-sf", "/tmp/nfv-x/client-script", "eth0"],
            DhcpClientCommand.DhclientRelease("h1", "eth0", Files));
    }

    [Fact]
    public void Dhclients_own_config_only_shortens_the_wait_between_rounds() =>
        Assert.Equal(["retry 10;"], DhcpClientFiles.DhclientConfText.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')));

    [Fact]
    public void Udhcpc_runs_in_the_foreground_with_its_own_script_and_never_gives_up()
    {
        var command = DhcpClientCommand.Start(DhcpClientKind.Udhcpc, ["udhcpc"], "h1", "eth0", Files);

        Assert.Equal(["netns", "exec", "h1", "udhcpc", "-f", "-i", "eth0", "-s", "/tmp/nfv-x/client-script"], command[..9]);
        Assert.DoesNotContain("-n", command); // -n: exit without a lease
        Assert.DoesNotContain("-q", command); // -q: exit once leased
    }

    [Fact]
    public void Udhcpc_from_busybox_runs_as_a_busybox_applet()
    {
        var command = DhcpClientCommand.Start(DhcpClientKind.Udhcpc, ["busybox", "udhcpc"], "h1", "eth0", Files);

        Assert.Equal(["netns", "exec", "h1", "busybox", "udhcpc", "-f", "-i", "eth0"], command[..8]);
    }

    [Fact]
    public void Dhcpcd_hides_its_state_folders_under_tmpfs_and_execs_in_place()
    {
        var command = DhcpClientCommand.Start(DhcpClientKind.Dhcpcd, ["dhcpcd"], "h1", "eth0", Files);

        Assert.Equal(["netns", "exec", "h1", "sh", "-c"], command[..5]);
        Assert.Equal(
            "mount -t tmpfs nfv-dhcpcd /var/lib/dhcpcd && mount -t tmpfs nfv-dhcpcd /run && mkdir /run/dhcpcd && " +
            "exec dhcpcd -f /dev/null -o domain_name_servers -o domain_name -4 -B -t 0 -L -A -c '/tmp/nfv-x/client-script' 'eth0'",
            command[5]);
    }
}

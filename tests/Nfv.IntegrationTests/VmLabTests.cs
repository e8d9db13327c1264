using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 15, proof 2: a VM lab host (QEMU, nfv's ready image) boots beside a namespace host on one switch, leases from
/// nfv's DHCP server, pings the namespace host and answers it; after Ctrl-C its QEMU and sockets are gone. A guest left by
/// a killed nfv is ended by the next run.
/// </summary>
public class VmLabTests
{
    private const string Needs = "qemu-system-x86_64 /var/lib/nfv/vm-image/vmlinuz /var/lib/nfv/vm-image/initrd.gz";

    // TCG boots the ready image in about 8 s here; a loaded CI machine may take several times that.
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(120);

    private static string Topology(Lab lab, string h1, string vm) => lab.WriteTopology("vm.yaml", $$"""
        name: vm-{{Path.GetFileName(lab.Directory)}}
        functions:
          lan: { kind: switch }
          dhcp: { kind: dhcp, address: 10.97.0.2/24, pool: 10.97.0.100-10.97.0.150, router: 10.97.0.1 }
        ports:
          p1: { tap: {{lab.Tap("v1")}} }
          p2: { socket: {{lab.Directory}}/vm.sock }
        links: [ [p1, lan], [p2, lan], [dhcp, lan] ]
        hosts:
          {{h1}}: { port: p1, address: 10.97.0.10/24 }
          {{vm}}:
            port: p2
            address: dhcp
            mac: 02:00:00:97:00:01
            vm: { memory: 128M }
            exec: [ "ping -c 3 -W 2 10.97.0.10" ]
        """);

    [PrivilegedFact(Needs = Needs)]
    public async Task A_vm_host_leases_from_nfv_pings_a_namespace_host_and_is_gone_after_ctrl_c()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), vm = lab.Host("vm");
        using var nfv = await lab.RunAsync(Topology(lab, h1, vm));
        int qemu = await QemuPidAsync(lab, vm);
        Assert.True(LabProcess.IsRunning(qemu), "QEMU runs while the lab does");

        // The guest's init took a lease (its udhcpc, through the switch, from nfv's DHCP server) and its exec pinged h1.
        await nfv.WaitForErrorAsync("nfv-vm exec 1: 3 packets transmitted, 3 packets received", Boot);
        var lease = (await LeasesAsync(nfv)).Single(row => row[3].GetString() == "02:00:00:97:00:01");
        string address = lease[1].GetString()!;
        Assert.StartsWith("10.97.0.1", address);
        // The guest's console, in its log file and in nfv's log.
        string leased = $"nfv-vm: lease {address}/24 from 10.97.0.2 router 10.97.0.1";
        Assert.Contains(leased, File.ReadAllText(Path.Combine(lab.StateDirectory, TopologyName(lab), $"{vm}.console.log")));
        Assert.Contains($"Lab host {vm}: {leased}", nfv.StandardError);

        // ... and answers the namespace host, through the same switch; /api/topology shows the lease the guest took.
        await Ping.AssertReachesAsync(h1, address);
        using (var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) })
        {
            var hosts = (await http.GetJsonAsync("/api/topology")).GetProperty("hosts").EnumerateArray();
            Assert.Equal(address, hosts.Single(h => h.GetProperty("name").GetString() == vm).GetProperty("address").GetString());
        }

        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.False(LabProcess.IsRunning(qemu), "QEMU still runs after nfv stopped");
        Assert.False(File.Exists(Path.Combine(lab.Directory, "vm.sock")), "the port's socket is left behind");
        Assert.False(File.Exists(Path.Combine(lab.Directory, "vm.guest.sock")), "the guest's socket is left behind");
    }

    [PrivilegedFact(Needs = Needs)]
    public async Task A_guest_left_by_a_killed_nfv_is_ended_by_the_next_run()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), vm = lab.Host("vm");
        string path = Topology(lab, h1, vm);
        using (var killed = await lab.RunAsync(path))
        {
            int left = await QemuPidAsync(lab, vm);
            killed.Kill();
            Assert.True(LabProcess.IsRunning(left), "QEMU outlives a killed nfv (it is nfv's to end)");

            using var next = await lab.RunAsync(path);
            Assert.False(LabProcess.IsRunning(left), "the next run did not end the guest the killed one left");
            Assert.NotEqual(left, await QemuPidAsync(lab, vm));
            Assert.Equal(0, await next.InterruptAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [PrivilegedFact(Needs = Needs)]
    public async Task A_guest_that_dies_is_reported_down_and_restart_host_boots_it_again()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), vm = lab.Host("vm");
        using var nfv = await lab.RunAsync(Topology(lab, h1, vm));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(10) };
        await nfv.WaitForErrorAsync("nfv-vm exec 1: ended", Boot);
        int first = await QemuPidAsync(lab, vm);

        // QEMU dies (killed, as a crash would end it): the host is down, saying so, and its console's end is in the log.
        Assert.Equal(0, (await Shell.RunAsync("kill", "-9", first.ToString(CultureInfo.InvariantCulture))).ExitCode);
        await nfv.WaitForErrorAsync($"Lab host {vm} is down: its guest stopped (QEMU exit code 137", TimeSpan.FromSeconds(10));
        Assert.Equal("down", await http.StateAsync("hosts", vm));

        var restart = lab.StartNfv("restart-host", vm, "--address", http.BaseAddress!.Authority);
        Assert.Equal(0, await restart.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("up", await http.StateAsync("hosts", vm));
        int second = await QemuPidAsync(lab, vm);
        Assert.NotEqual(first, second);
        // The new guest boots, leases the same address again (same MAC), and its exec reaches h1 once more.
        await Eventually.UntilAsync(() => Regex.Count(nfv.StandardError, "nfv-vm exec 1: 3 packets transmitted, 3 packets received") == 2,
            "the restarted guest to ping h1", Boot);
        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.False(LabProcess.IsRunning(second));
    }

    private static string TopologyName(Lab lab) => $"vm-{Path.GetFileName(lab.Directory)}";

    // QEMU writes its pid file a moment after it starts.
    private static async Task<int> QemuPidAsync(Lab lab, string vm)
    {
        var pidFile = Path.Combine(lab.StateDirectory, TopologyName(lab), $"{vm}.qemu.pid");
        int pid = 0;
        await Eventually.UntilAsync(
            () => Task.FromResult(File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out pid) && LabProcess.IsRunning(pid)),
            $"QEMU to write its pid file {pidFile}", TimeSpan.FromSeconds(10));
        return pid;
    }


    /// <summary>The rows of table <c>leases</c>: function, address, state, mac, client, hostname, seconds left.</summary>
    private static Task<List<JsonElement>> LeasesAsync(NfvProcess nfv) => nfv.TableRowsAsync("leases");
}

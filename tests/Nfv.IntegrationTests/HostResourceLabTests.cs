using System.Globalization;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 15, proof 3: a lab host with limits has them in its cgroup, and its exec commands run inside the host's
/// namespace and that cgroup, their output logged, and end when nfv stops, the cgroup with them.
/// </summary>
public class HostResourceLabTests
{
    [PrivilegedFact]
    public async Task A_host_with_limits_runs_its_commands_in_its_namespace_and_cgroup_and_both_go_when_nfv_stops()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1");
        string topology = $"res-{Path.GetFileName(lab.Directory)}";
        var path = lab.WriteTopology("resources.yaml", $$"""
            name: {{topology}}
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("q1")}} }
            links: [ [p1, lan] ]
            hosts:
              {{h1}}:
                port: p1
                address: 10.95.0.1/24
                cpu: 0.5
                memory: 64M
                pids: 50
                exec: [ "echo hello from $(ip -o -4 addr show dev eth0 | awk '{print $4}')", "sleep 300" ]
            """);
        using var nfv = await lab.RunAsync(path);

        // The limits, where this machine's cgroups keep them (v2: one group; v1: one per controller).
        bool v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        string Group(string controller) => v2 ? $"/sys/fs/cgroup/nfv/{topology}/{h1}" : $"/sys/fs/cgroup/{controller}/nfv/{topology}/{h1}";
        Assert.Equal("67108864", File.ReadAllText(Path.Combine(Group("memory"), v2 ? "memory.max" : "memory.limit_in_bytes")).Trim());
        Assert.Equal("50", File.ReadAllText(Path.Combine(Group("pids"), "pids.max")).Trim());
        Assert.StartsWith("50000", File.ReadAllText(Path.Combine(Group("cpu"), v2 ? "cpu.max" : "cpu.cfs_quota_us")).Trim());

        // The commands: the first ran in the host's namespace (it saw eth0's address) and ended; the second still runs,
        // inside the host's network namespace and its cgroup.
        await nfv.WaitForErrorAsync("hello from 10.95.0.1/24", TimeSpan.FromSeconds(20));
        await Eventually.UntilAsync(() => Pids(Group("pids")).Any(IsSleep), "sleep 300 to run in the host's cgroup", TimeSpan.FromSeconds(10));
        int sleeper = Pids(Group("pids")).Single(IsSleep);
        Assert.Equal(await InodeAsync($"/run/netns/{h1}"), await InodeAsync($"/proc/{sleeper}/ns/net"));
        Assert.Contains($"nfv/{topology}/{h1}", File.ReadAllText($"/proc/{sleeper}/cgroup"));

        // Ctrl-C: the command ends, then its cgroup goes.
        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.False(LabProcess.IsRunning(sleeper), "the host's command still runs after nfv stopped");
        Assert.False(Directory.Exists(Group("pids")), "the host's cgroup is left behind");
        Assert.False(Directory.Exists(v2 ? $"/sys/fs/cgroup/nfv/{topology}" : $"/sys/fs/cgroup/pids/nfv/{topology}"));
    }


    private static bool IsSleep(int pid) => File.Exists($"/proc/{pid}/comm") && File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep";

    private static int[] Pids(string group) =>
        [.. File.ReadAllLines(Path.Combine(group, "cgroup.procs")).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    // The device and inode of a namespace (its /run/netns bind mount, or a process's /proc/PID/ns/net): equal, one namespace.
    private static async Task<string> InodeAsync(string path)
    {
        var stat = await Shell.RunAsync("stat", ["-L", "-c", "%d:%i", path], TimeSpan.FromSeconds(5));
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return stat.StandardOutput.Trim();
    }
}

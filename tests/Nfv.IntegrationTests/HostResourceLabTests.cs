using System.Diagnostics;
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
        // In every hierarchy that holds a limit (v1: cpu, memory and pids each; the first was once skipped).
        var joined = File.ReadAllLines($"/proc/{sleeper}/cgroup").Where(l => l.EndsWith($"/nfv/{topology}/{h1}", StringComparison.Ordinal)).ToList();
        Assert.Equal(v2 ? 1 : 3, joined.Count);

        // Ctrl-C: the command ends, then its cgroup goes.
        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.False(LabProcess.IsRunning(sleeper), "the host's command still runs after nfv stopped");
        Assert.False(Directory.Exists(Group("pids")), "the host's cgroup is left behind");
        Assert.False(Directory.Exists(v2 ? $"/sys/fs/cgroup/nfv/{topology}" : $"/sys/fs/cgroup/pids/nfv/{topology}"));
    }

    [PrivilegedFact]
    public async Task The_commands_a_killed_nfv_left_running_are_ended_by_its_next_run_and_a_user_s_process_is_left_alone()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1");
        var path = lab.WriteTopology("orphans.yaml", $$"""
            name: orphans
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("o1")}} }
            links: [ [p1, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.96.0.1/24, exec: [ "sleep 301 & exec sleep 302" ] }
            """);
        var first = lab.StartNfv("run", path);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(60));
        int[] commands = [];
        await Eventually.UntilAsync(async () => (commands = await SleepsInAsync(h1)).Length == 2, "both sleeps to run in the host", TimeSpan.FromSeconds(10));
        var user = LabProcess.Start(lab, h1, "sleep", "303"); // a user's, not nfv's
        try
        {
            first.Kill();
            Assert.All(commands, pid => Assert.True(LabProcess.IsRunning(pid), "a command ended with nfv: nothing to clean"));

            var second = lab.StartNfv("run", path);
            await second.WaitReadyAsync(TimeSpan.FromSeconds(60));

            Assert.Contains("left by a run of 'orphans'", second.StandardError);
            Assert.All(commands, pid => Assert.False(LabProcess.IsRunning(pid), $"process {pid}, a command of the killed nfv, still runs"));
            Assert.True(LabProcess.IsRunning(user.Id), "the next run ended a process nfv did not start");
            await Eventually.UntilAsync(async () => (await SleepsInAsync(h1)).Length == 2, "the new run's commands", TimeSpan.FromSeconds(10));
            Assert.Equal(0, await second.InterruptAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            foreach (int pid in commands.Where(LabProcess.IsRunning))
            {
                Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)])?.WaitForExit(); // started by the nfv this test ran
            }
        }
    }

    // The sleep processes nfv's commands run in the host's namespace (a user's `sleep 303` is not one of them).
    private static async Task<int[]> SleepsInAsync(string ns)
    {
        var pids = await Shell.RunAsync("ip", ["netns", "pids", ns], TimeSpan.FromSeconds(5));
        return [.. pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture))
            .Where(pid => IsSleep(pid) && !File.ReadAllText($"/proc/{pid}/cmdline").Contains("303", StringComparison.Ordinal))];
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

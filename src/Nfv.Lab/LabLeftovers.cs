namespace Nfv.Lab;

/// <summary>
/// What a run of a topology leaves behind if it is killed (SIGKILL, a power cut): its hosts' namespaces, with its DHCP
/// clients and its hosts' <c>exec</c> commands still running inside, and its VM hosts' guests. A running nfv keeps a
/// note in its state folder (<c>STATE/TOPOLOGY/lab-namespaces</c>: its process id and start time, then the hosts'
/// namespaces); the next run of the topology finds the note of a process that is gone, removes those namespaces and
/// the processes it left, and starts as on a clean machine.
/// </summary>
public static class LabLeftovers
{
    /// <summary>
    /// The environment variable a host's commands are started with (<see cref="OwnerMark"/>), which their children
    /// inherit: how the next run tells the processes a killed nfv started from those a user started in its namespaces.
    /// </summary>
    public const string OwnerVariable = "NFV_LAB_OWNER";

    private const string FileName = "lab-namespaces";
    private static readonly string[] DhcpClientPrograms = ["dhclient", "udhcpc", "busybox", "dhcpcd"];

    /// <summary>This process as the note names it: its id and start time, which no later process shares.</summary>
    public static string OwnerMark { get; } = $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}";

    /// <summary>Notes that this process is about to make <paramref name="namespaces"/>.</summary>
    public static void Record(string stateDirectory, IEnumerable<string> namespaces)
    {
        Directory.CreateDirectory(stateDirectory);
        File.WriteAllLines(Path.Combine(stateDirectory, FileName), [OwnerMark, .. namespaces]);
    }

    /// <summary>Removes the note: this run removed what it made. Nothing to do when the folder went with it (removed by hand).</summary>
    public static void Forget(string stateDirectory)
    {
        try
        {
            File.Delete(Path.Combine(stateDirectory, FileName));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// When the note is from a process that no longer runs, removes the namespaces it lists that still exist (after
    /// ending, inside each, the DHCP clients and host commands that process left orphaned) and the note. Returns the
    /// namespaces removed and the process that left them; nothing when there is no note or its process still runs
    /// (another nfv).
    /// </summary>
    public static (IReadOnlyList<string> Removed, int Pid) Clean(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ([], 0);
        }
        var owner = lines.Length > 0 ? lines[0].Split(' ') : [];
        if (owner.Length != 2 || !int.TryParse(owner[0], out int pid) || !long.TryParse(owner[1], out long started))
        {
            File.Delete(path); // not a note we wrote; nothing to trust in it
            return ([], 0);
        }
        if (StartTime(pid) == started)
        {
            return ([], pid); // that nfv still runs: its namespaces are its own
        }
        var removed = new List<string>();
        EndOrphanedGuests(stateDirectory);
        foreach (var name in lines.Skip(1).Where(n => n.Length > 0 && NetworkNamespace.Identity(n) is not null))
        {
            EndOrphans(name, lines[0]);
            if (IpCommand.TryRun("netns", "delete", name))
            {
                removed.Add(name);
            }
        }
        File.Delete(path);
        return (removed, pid);
    }

    /// <summary>
    /// What the killed nfv (<paramref name="owner"/>, its mark) started inside <paramref name="name"/> and nothing else
    /// would stop now: the DHCP clients (a lab host's client is nfv's) and the host's commands with all they started (they
    /// carry the owner's mark in their environment). Other processes a user started inside are left alone, as a clean
    /// stop does.
    /// </summary>
    private static void EndOrphans(string name, string owner)
    {
        var pids = IpCommand.RunAsync(["netns", "pids", name]).GetAwaiter().GetResult();
        string mark = $"{OwnerVariable}={owner}";
        foreach (var line in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line.Trim(), out int pid) &&
                ((ReadStat(pid) is { } stat && DhcpClientPrograms.Contains(stat.Command)) || EnvironmentOf(pid).Contains(mark)))
            {
                Interop.Kill(pid, Interop.SIGKILL);
            }
        }
    }

    // A process's environment, one NAME=value a string; empty when it is gone or unreadable.
    private static string[] EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// The VM guests the killed nfv started: each QEMU wrote its id to a pid file in the state folder, named in its own
    /// command line, which is how it is told from a process that took the id since.
    /// </summary>
    private static void EndOrphanedGuests(string stateDirectory)
    {
        foreach (var pidFile in Directory.EnumerateFiles(stateDirectory, "*" + Vm.VmHost.PidFileSuffix))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) &&
                    File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(pidFile))
                {
                    Interop.Kill(pid, Interop.SIGKILL);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone already
            }
            File.Delete(pidFile);
        }
    }

    /// <summary>A process's start time since boot, in clock ticks (field 22 of /proc/PID/stat); -1 when there is no such process.</summary>
    private static long StartTime(int pid) => ReadStat(pid)?.StartTime ?? -1;

    private static (string Command, long StartTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            int open = text.IndexOf('('), close = text.LastIndexOf(')');
            var fields = text[(close + 2)..].Split(' ');
            // After the command come state (field 3) ... starttime (field 22): fields[0] is field 3.
            return (text[(open + 1)..close], long.Parse(fields[19]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

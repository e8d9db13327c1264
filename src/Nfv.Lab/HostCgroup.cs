using System.Globalization;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The control group a lab host's limits (<see cref="HostLimits"/>) hold its processes in: <c>nfv/TOPOLOGY/HOST</c> under
/// the cgroup v2 hierarchy (<c>cpu.max</c>, <c>memory.max</c>, <c>pids.max</c>) where the machine has one, else under
/// each cgroup v1 controller's (<c>cpu.cfs_quota_us</c>, <c>memory.limit_in_bytes</c>, <c>pids.max</c>), as many
/// machines and containers still mount them. A process joins by writing its id to <see cref="ProcessFiles"/>.
/// </summary>
public sealed class HostCgroup : IDisposable
{
    private const string Root = "/sys/fs/cgroup";
    private const long CpuPeriodMicroseconds = 100_000;
    private readonly List<string> _directories;

    private HostCgroup(List<string> directories, List<string> processFiles)
    {
        _directories = directories;
        ProcessFiles = processFiles;
    }

    /// <summary>The <c>cgroup.procs</c> files a process writes its id to, to join (one per hierarchy).</summary>
    public IReadOnlyList<string> ProcessFiles { get; }

    /// <summary>The groups made, for <c>nfv show</c> and tests.</summary>
    public IReadOnlyList<string> Directories => _directories;

    /// <summary>Makes the group of <paramref name="host"/> in <paramref name="topology"/> with <paramref name="limits"/>.</summary>
    /// <exception cref="LabException">The machine has no usable cgroup hierarchy, or a limit could not be written.</exception>
    public static HostCgroup Create(string topology, string host, HostLimits limits, string root = Root)
    {
        ArgumentNullException.ThrowIfNull(limits);
        string path = Path.Combine("nfv", topology, host);
        var made = new List<string>();
        try
        {
            if (File.Exists(Path.Combine(root, "cgroup.controllers")))
            {
                // v2: one tree; the controllers the limits need must be enabled in every parent's subtree_control.
                string directory = Path.Combine(root, path);
                var controllers = new[] { (limits.Cpus, "cpu"), (limits.MemoryBytes, "memory"), (limits.Pids, "pids") }
                    .Where(c => c.Item1 is not null).Select(c => "+" + c.Item2);
                EnableControllers(root, path, string.Join(' ', controllers));
                Directory.CreateDirectory(directory);
                made.Add(directory);
                Write(directory, "cpu.max", limits.Cpus is { } cpus ? $"{Quota(cpus)} {CpuPeriodMicroseconds}" : null);
                Write(directory, "memory.max", limits.MemoryBytes?.ToString(CultureInfo.InvariantCulture));
                Write(directory, "pids.max", limits.Pids?.ToString(CultureInfo.InvariantCulture));
                return new HostCgroup(made, [Path.Combine(directory, "cgroup.procs")]);
            }
            // v1: a tree per controller; only those a limit needs.
            var wanted = new List<(string Controller, string File, string Value)>();
            if (limits.Cpus is { } c)
            {
                wanted.Add(("cpu", "cpu.cfs_period_us", CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture)));
                wanted.Add(("cpu", "cpu.cfs_quota_us", Quota(c).ToString(CultureInfo.InvariantCulture)));
            }
            if (limits.MemoryBytes is { } m)
            {
                wanted.Add(("memory", "memory.limit_in_bytes", m.ToString(CultureInfo.InvariantCulture)));
            }
            if (limits.Pids is { } p)
            {
                wanted.Add(("pids", "pids.max", p.ToString(CultureInfo.InvariantCulture)));
            }
            foreach (var controller in wanted.Select(w => w.Controller).Distinct())
            {
                if (!Directory.Exists(Path.Combine(root, controller)))
                {
                    throw new LabException($"this machine mounts no cgroup v2 hierarchy and no v1 '{controller}' controller under {root}: host '{host}' cannot have its limits");
                }
                string directory = Path.Combine(root, controller, path);
                Directory.CreateDirectory(directory);
                made.Add(directory);
                foreach (var (_, file, value) in wanted.Where(w => w.Controller == controller))
                {
                    Write(directory, file, value);
                }
            }
            return new HostCgroup(made, [.. made.Select(d => Path.Combine(d, "cgroup.procs"))]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            new HostCgroup(made, []).Dispose();
            throw new LabException($"could not make the cgroup of host '{host}' under {root}: {ex.Message}", ex);
        }
    }

    /// <summary>Removes the groups (each must be empty: end the processes first) and the parents nfv made, if empty.</summary>
    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            // nfv/TOPOLOGY/HOST, then nfv/TOPOLOGY and nfv when nothing else is in them.
            var current = directory;
            for (int level = 0; level < 3; level++)
            {
                try
                {
                    Directory.Delete(current);
                }
                catch (IOException)
                {
                    break;
                }
                current = Path.GetDirectoryName(current)!;
            }
        }
        _directories.Clear();
    }

    private static long Quota(double cpus) => Math.Max(1000, (long)(cpus * CpuPeriodMicroseconds));

    private static void Write(string directory, string file, string? value)
    {
        if (value is not null)
        {
            File.WriteAllText(Path.Combine(directory, file), value);
        }
    }

    private static void EnableControllers(string root, string path, string controllers)
    {
        var current = root;
        foreach (var part in path.Split('/'))
        {
            File.WriteAllText(Path.Combine(current, "cgroup.subtree_control"), controllers);
            current = Path.Combine(current, part);
            Directory.CreateDirectory(current);
        }
    }
}

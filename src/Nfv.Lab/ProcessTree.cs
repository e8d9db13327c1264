using System.Diagnostics;
using System.Globalization;

namespace Nfv.Lab;

/// <summary>The processes a client forked (read from /proc), so stopping can wait for them or end them too.</summary>
internal static class ProcessTree
{
    /// <summary>Every descendant of <paramref name="pid"/> now, each with its start time (to tell a reused id apart).</summary>
    public static IReadOnlyList<(int Pid, long StartTime)> Descendants(int pid)
    {
        var parents = new Dictionary<int, (int Parent, long StartTime, bool Ended)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int id) && Stat(id) is { } stat)
            {
                parents[id] = stat;
            }
        }
        var found = new List<(int, long)>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out int parent))
        {
            foreach (var (id, (ppid, start, _)) in parents)
            {
                if (ppid == parent)
                {
                    found.Add((id, start));
                    frontier.Enqueue(id);
                }
            }
        }
        return found;
    }

    /// <summary>Waits until none of <paramref name="processes"/> runs any more; false if some still do after <paramref name="timeout"/>.</summary>
    public static async Task<bool> GoneAsync(IReadOnlyList<(int Pid, long StartTime)> processes, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (processes.Any(Alive))
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>SIGKILL to each of <paramref name="processes"/> that still runs as the same process.</summary>
    public static void Kill(IReadOnlyList<(int Pid, long StartTime)> processes)
    {
        foreach (var process in processes.Where(Alive))
        {
            Interop.Kill(process.Pid, Interop.SIGKILL);
        }
    }

    private static bool Alive((int Pid, long StartTime) process) =>
        Stat(process.Pid) is { } stat && stat.StartTime == process.StartTime && !stat.Ended;

    /// <summary>Parent id, start time and whether it has ended (a zombie) from /proc/PID/stat, or null once the process is gone.</summary>
    private static (int Parent, long StartTime, bool Ended)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ... starttime(22nd field)": comm may hold spaces and ')', so split after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
            && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
            ? (parent, start, fields[0] is "Z" or "X") : null;
    }
}

namespace Nfv.IntegrationTests;

/// <summary>
/// The CPU time a process's threads used, thread by thread, from /proc: to tell a process's own work from the runtime's
/// background JIT (".NET Tiered Com..."), which goes on compiling what start-up and the first traffic ran for a while
/// after a process is up and is no part of what a test measures.
/// </summary>
internal static class ThreadTimes
{
    private const string BackgroundJit = ".NET Tiered";

    /// <summary>Clock ticks (10 ms) each thread of <paramref name="pid"/> used so far, by "name/tid".</summary>
    public static Dictionary<string, long> Of(int pid) => Directory.GetDirectories($"/proc/{pid}/task").ToDictionary(
        t => File.ReadAllText(Path.Combine(t, "comm")).Trim() + "/" + Path.GetFileName(t),
        t => File.ReadAllText(Path.Combine(t, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) is var f ? long.Parse(f[11]) + long.Parse(f[12]) : 0);

    /// <summary>
    /// What <paramref name="pid"/>'s threads used since <paramref name="before"/> (<see cref="Of"/>), the background JIT
    /// left out, and the busiest threads (ticks of 10 ms), for the message of a test that finds it too much.
    /// </summary>
    public static (TimeSpan Spent, string Busiest) Since(int pid, Dictionary<string, long> before)
    {
        var used = Of(pid).Select(t => (t.Key, Used: t.Value - before.GetValueOrDefault(t.Key))).OrderByDescending(t => t.Used).ToList();
        var spent = TimeSpan.FromMilliseconds(10 * used.Where(t => !t.Key.StartsWith(BackgroundJit, StringComparison.Ordinal)).Sum(t => t.Used));
        return (spent, string.Join(", ", used.Take(4)));
    }
}

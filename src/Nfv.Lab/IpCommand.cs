using System.Diagnostics;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// Runs iproute2's <c>ip</c> for the slow-path setup of lab hosts (namespaces, moves, addresses, routes): the tool
/// everyone knows, bounded in time, with the programs' <c>PATH</c> of <see cref="LinuxMachineProbe.DefaultProgramDirectories"/>.
/// </summary>
public static partial class IpCommand
{
    /// <summary>How long one <c>ip</c> may take before it is killed and counted as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <c>ip ARGS</c>; throws <see cref="LabException"/> with ip's own message when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var result = RunAsync(arguments).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new LabException(result.Output);
        }
    }

    /// <summary>Like <see cref="Run"/>, but returns false instead of throwing (for teardown).</summary>
    public static bool TryRun(params string[] arguments) => RunAsync(arguments).GetAwaiter().GetResult().ExitCode == 0;

    /// <summary>
    /// Runs many <c>ip</c> commands in one process (<c>ip [-n NETNS] -batch -</c>), one per line of <paramref name="lines"/>
    /// (each as it would follow <c>ip</c>): a lab of a thousand hosts is then a few processes, not thousands. It stops at
    /// the first that fails, unless <paramref name="force"/> (for teardown: every line is tried). On failure
    /// <see cref="IpResult.FailedLine"/> says which line (0-based) failed first.
    /// </summary>
    public static async Task<IpResult> BatchAsync(IReadOnlyList<string> lines, string? netns = null, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return new IpResult(0, "");
        }
        string[] arguments = [.. netns is null ? [] : new[] { "-n", netns }, .. force ? new[] { "-force" } : [], "-batch", "-"];
        // About 1 ms a line at most here; a thousand hosts' worth must not hit the one-command limit.
        // A budget of 10 ms a line beyond the one-command limit (about 1 ms a line here): a thousand hosts' worth fits.
        var result = await RunRawAsync(arguments, cancellationToken, Timeout + TimeSpan.FromMilliseconds(10 * lines.Count), string.Join('\n', lines) + "\n");
        if (result.ExitCode <= 0)
        {
            return result; // done, or it could not run at all (the message says so)
        }
        var failed = FailedLine().Match(result.Output);
        int line = failed.Success ? int.Parse(failed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1 : -1;
        // ip's own messages, without its "Command failed -:N" trailers.
        string message = string.Join("; ", result.Output.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("Command failed", StringComparison.Ordinal)));
        return new IpResult(result.ExitCode, message.Length > 0 ? message : result.Output) { FailedLine = line };
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Command failed -:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex FailedLine();

    /// <summary>
    /// Runs <c>ip ARGS</c> to its end, at most <paramref name="timeout"/> (<see cref="Timeout"/> when null). Returns its
    /// exit code with what it printed, or, on failure, a one-line message naming the command (exit code -1 when it could
    /// not start or was killed).
    /// </summary>
    public static async Task<IpResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        var result = await RunRawAsync(arguments, cancellationToken, timeout, input: null);
        return result.ExitCode > 0 ? result with { Output = $"'ip {string.Join(' ', arguments)}' failed: {result.Output}" } : result;
    }

    // Runs ip to its end: its exit code and what it printed, or -1 with a message naming the command when it could not
    // start or was stopped.
    private static async Task<IpResult> RunRawAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout, string? input)
    {
        var limit = timeout ?? Timeout;
        string command = $"'ip {string.Join(' ', arguments)}'";
        Process? process;
        try
        {
            process = Process.Start(StartInfo(arguments));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new IpResult(-1, $"could not start 'ip' (is iproute2 installed?): {ex.Message}");
        }
        if (process is null)
        {
            return new IpResult(-1, "could not start 'ip' (is iproute2 installed?)");
        }
        // Process.Dispose leaves streams the caller touched open: they are closed here, or each ip would leak two pipes.
        using (process)
        using (var outputReader = process.StandardOutput)
        using (var errorReader = process.StandardError)
        {
            // Readers first: a batch's errors could fill a pipe while its input is still being written.
            var stdout = outputReader.ReadToEndAsync(CancellationToken.None);
            var stderr = errorReader.ReadToEndAsync(CancellationToken.None);
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
            }
            process.StandardInput.Close();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                return new IpResult(-1, cancellationToken.IsCancellationRequested
                    ? $"{command} was cancelled"
                    : $"{command} did not finish in {limit.TotalSeconds} s");
            }
            return new IpResult(process.ExitCode, (await stdout + await stderr).Trim());
        }
    }

    /// <summary>How to start <c>ip ARGS</c>, or anything it execs (<c>ip netns exec NS PROGRAM</c>): output captured, our <c>PATH</c>.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // ip netns exec finds programs through PATH, and the DHCP clients live in /usr/sbin.
        start.Environment["PATH"] = string.Join(':', LinuxMachineProbe.DefaultProgramDirectories);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }
}

/// <summary>How an <c>ip</c> command ended.</summary>
/// <param name="ExitCode">Its exit code; -1 when it could not start or was killed.</param>
/// <param name="Output">What it printed, or on failure a one-line message naming the command.</param>
public readonly record struct IpResult(int ExitCode, string Output)
{
    /// <summary>In a batch (<see cref="IpCommand.BatchAsync"/>) that failed, the 0-based line that failed first; -1 otherwise.</summary>
    public int FailedLine { get; init; } = -1;
}

using System.Diagnostics;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// Runs iproute2's <c>ip</c> for the slow-path setup of lab hosts (namespaces, moves, addresses, routes): the tool
/// everyone knows, bounded in time, with the programs' <c>PATH</c> of <see cref="LinuxMachineProbe.DefaultProgramDirectories"/>.
/// </summary>
public static class IpCommand
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
    /// Runs <c>ip ARGS</c> to its end, at most <paramref name="timeout"/> (<see cref="Timeout"/> when null). Returns its
    /// exit code with what it printed, or, on failure, a one-line message naming the command (exit code -1 when it could
    /// not start or was killed).
    /// </summary>
    public static async Task<IpResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
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
            process.StandardInput.Close();
            var stdout = outputReader.ReadToEndAsync(CancellationToken.None);
            var stderr = errorReader.ReadToEndAsync(CancellationToken.None);
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
            string output = (await stdout + await stderr).Trim();
            return process.ExitCode == 0 ? new IpResult(0, output) : new IpResult(process.ExitCode, $"{command} failed: {output}");
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
public readonly record struct IpResult(int ExitCode, string Output);

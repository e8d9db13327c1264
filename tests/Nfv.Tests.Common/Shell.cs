using System.Diagnostics;

namespace Nfv.Tests.Common;

/// <summary>The result of a command: exit code and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>Runs a program to completion, bounded in time; kills it (and only it) on timeout.</summary>
public static class Shell
{
    public static async Task<CommandResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new CommandResult(-1, await stdout, await stderr + $"\n(killed after {timeout.TotalSeconds} s)");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CommandResult> RunAsync(string program, params string[] arguments) =>
        RunAsync(program, arguments, TimeSpan.FromSeconds(30));

    /// <summary>Runs a command inside network namespace <paramref name="ns"/>.</summary>
    public static Task<CommandResult> InNamespaceAsync(string ns, TimeSpan timeout, params string[] command) =>
        RunAsync("ip", ["netns", "exec", ns, .. command], timeout);

    /// <summary>
    /// Deletes network namespace <paramref name="ns"/> if it exists, first killing the processes inside it.
    /// Only for namespaces a test made itself (their names are unique to the test run), so every
    /// process inside was started by that test.
    /// </summary>
    public static async Task DeleteNamespaceAsync(string ns)
    {
        if (!File.Exists($"/run/netns/{ns}"))
        {
            return;
        }
        var pids = await RunAsync("ip", "netns", "pids", ns);
        foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await RunAsync("kill", "-9", pid.Trim());
        }
        await RunAsync("ip", "netns", "delete", ns);
    }
}

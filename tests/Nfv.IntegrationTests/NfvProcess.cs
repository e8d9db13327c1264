using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// A running <c>nfv</c> child process. Stop sends SIGINT (what Ctrl-C sends) to this process id
/// only; Dispose kills it if it is still there.
/// </summary>
public sealed partial class NfvProcess : IDisposable
{
    private const string ReadyPrefix = "nfv: topology ";
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NfvProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException("nfv closed its output before it was ready"));
                return;
            }
            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }
            if (e.Data.StartsWith(ReadyPrefix, StringComparison.Ordinal))
            {
                _ready.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string NfvDll => Path.Combine(AppContext.BaseDirectory, "nfv.dll");

    /// <summary>Where NuGet keeps the packages it has restored: tests that pack nfv remove their run's version from it.</summary>
    public static string NuGetCache => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
        ? cache
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public int Id => _process.Id;

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>Starts <c>nfv ARGS</c> with <paramref name="workingDirectory"/> as its current directory.</summary>
    public static NfvProcess Start(string workingDirectory, params string[] arguments) =>
        Start(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>
    /// Starts <c>nfv ARGS</c> with <paramref name="environment"/> added to its environment, in network namespace
    /// <paramref name="netns"/> when given: by <c>nsenter --net</c>, which replaces itself with nfv (the process is nfv's)
    /// and, unlike <c>ip netns exec</c>, keeps the machine's mount namespace, so the namespaces nfv makes for its lab
    /// hosts are seen from outside. A <paramref name="launcher"/> (a program and its arguments) comes before
    /// <c>dotnet</c>; it must exec what follows it, so that the process stays nfv's.
    /// </summary>
    public static NfvProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments, string? netns = null,
        IReadOnlyList<string>? launcher = null)
    {
        string[] command = [.. netns is null ? [] : (string[])["nsenter", $"--net=/run/netns/{netns}"], .. launcher ?? [], "dotnet"];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        foreach (var word in command[1..])
        {
            start.ArgumentList.Add(word);
        }
        start.ArgumentList.Add(NfvDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return new NfvProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start nfv"));
    }

    /// <summary>Waits for the "topology is up" line; fails with what nfv printed if it exits or takes too long.</summary>
    public async Task<string> WaitReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout));
        if (first == _ready.Task && _ready.Task.IsCompletedSuccessfully)
        {
            return _ready.Task.Result;
        }
        throw new InvalidOperationException($"nfv did not come up (exited: {_process.HasExited}).\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}");
    }

    /// <summary>Waits until nfv has written <paramref name="text"/> to its standard error; fails with what it printed if it exits or takes too long.</summary>
    public async Task WaitForErrorAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (StandardError.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
            if (_process.HasExited)
            {
                break;
            }
            await Task.Delay(50);
        }
        if (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"nfv did not print '{text}' (exited: {_process.HasExited}).\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}");
        }
    }

    /// <summary>The management API's address, from the "management:" line nfv prints with its "is up" line.</summary>
    public async Task<Uri> ManagementUrlAsync()
    {
        for (int i = 0; i < 50; i++)
        {
            if (ManagementLine().Match(StandardOutput) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"nfv printed no management line:\n{StandardOutput}");
    }

    /// <summary>Waits until nfv's output matches <paramref name="pattern"/> (lines after the "is up" line come a moment later).</summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (pattern.Match(StandardOutput) is { Success: true } match)
            {
                return match;
            }
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException($"nfv printed nothing matching '{pattern}'.\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}");
            }
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"management: (http://\S+)")]
    private static partial Regex ManagementLine();

    /// <summary>Sends SIGINT, as Ctrl-C does, and waits for the exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "INT");
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"nfv did not stop within {timeout.TotalSeconds} s of SIGINT.\n--- stderr\n{StandardError}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends signal <paramref name="name"/> (<c>HUP</c>: apply the file again) without waiting for anything.</summary>
    public void Signal(string name) => Signal(_process.Id, name);

    /// <summary>True until the process exits.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>SIGKILL, as a crash or <c>kill -9</c>: nothing is cleaned up and nothing is flushed.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to exit by itself (a refused start).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            Signal(_process.Id, "INT");
            if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        _process.Dispose();
    }

    /// <summary>SIGINT to exactly this process id, as Ctrl-C in its terminal would send.</summary>
    private static void Signal(int pid, string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

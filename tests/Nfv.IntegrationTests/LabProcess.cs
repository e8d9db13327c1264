using System.Diagnostics;
using Nfv.Lab;

namespace Nfv.IntegrationTests;

/// <summary>
/// A server a test runs in a namespace (a web server, stund, turnserver) for as long as the lab lives. The lab stops
/// it (<see cref="Lab.Add{T}"/>) before nfv and the namespaces go, by the process id it started: a namespace that
/// nfv deletes does not end the processes inside it, so nothing else would.
/// </summary>
public sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private LabProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Whether process <paramref name="pid"/> is alive and not a zombie (an ended process its parent's parent has not
    /// reaped yet: PID 1 may be slow to), such as a program nfv started and should have ended.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Starts <paramref name="command"/> in namespace <paramref name="ns"/> (<c>ip netns exec</c> execs it, so the id is the server's), output discarded.</summary>
    public static LabProcess Start(Lab lab, string ns, params string[] command)
    {
        var process = Process.Start(IpCommand.StartInfo(["netns", "exec", ns, .. command])) ?? throw new InvalidOperationException($"could not start {command[0]} in {ns}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return lab.Add(new LabProcess(process));
    }

    /// <summary>SIGTERM, then SIGKILL after 5 s. A test may stop it early (to read what it wrote); the lab's teardown then does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}

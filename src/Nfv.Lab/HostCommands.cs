using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// What a lab host runs besides its network (<c>exec:</c>): each command by <c>/bin/sh -c</c> inside the host's namespace,
/// in the host's cgroup when it has limits (<see cref="HostCgroup"/>), its output logged line by line; all ended, with
/// everything they started, when the host goes down or nfv stops.
/// </summary>
/// <remarks>
/// A command joins the cgroup before it runs (a shell writes its own id to each <c>cgroup.procs</c>, then execs
/// <c>ip netns exec</c>), so what it forks is inside too. Processes a user starts by hand (<c>ip netns exec h1 ...</c>)
/// are not nfv's and stay outside: a namespace has no processes of its own.
/// </remarks>
public sealed class HostCommands : IAsyncDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(3);
    private readonly ResolvedHost _host;
    private readonly HostCgroup? _cgroup;
    private readonly ILogger _logger;
    private readonly List<Process> _processes = [];

    private HostCommands(ResolvedHost host, HostCgroup? cgroup, ILogger logger)
    {
        _host = host;
        _cgroup = cgroup;
        _logger = logger;
    }

    /// <summary>The host's cgroup, when it has limits.</summary>
    public HostCgroup? Cgroup => _cgroup;

    /// <summary>The ids of the commands' processes (the shells nfv started).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    /// <summary>Makes the host's cgroup (if it has limits) and starts its commands.</summary>
    /// <exception cref="LabException">The cgroup or a command could not be started.</exception>
    public static HostCommands Start(ResolvedTopology topology, ResolvedHost host, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(host);
        var cgroup = host.Limits is { } limits ? HostCgroup.Create(topology.Name, host.Name, limits) : null;
        var commands = new HostCommands(host, cgroup, logger);
        try
        {
            foreach (var command in host.Exec)
            {
                commands.Run(command);
            }
            return commands;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            commands.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new LabException($"host '{host.Name}' could not start its commands: {ex.Message}", ex);
        }
    }

    private void Run(string command)
    {
        // $0: the namespace; $1: the command; then one cgroup.procs file after another.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = string.Join(':', LinuxMachineProbe.DefaultProgramDirectories);
        start.Environment[LabLeftovers.OwnerVariable] = LabLeftovers.OwnerMark; // so a run after a kill -9 can end it
        foreach (var argument in (string[])["-c", "ns=$0 command=$1; shift; for f; do echo $$ > \"$f\" || exit 125; done; exec ip netns exec \"$ns\" /bin/sh -c \"$command\"",
            _host.Name, command, .. _cgroup?.ProcessFiles ?? []])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /bin/sh");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        LabLog.HostCommandStarted(_logger, _host.Name, command, process.Id);
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            LabLog.HostCommandOutput(_logger, _host.Name, line);
        }
    }

    /// <summary>Ends the commands (SIGTERM to each and what it started, SIGKILL to what is left after 3 s) and removes the cgroup.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            // The shell nfv started became the command's shell (exec): its id is the command's; what it forked is below it.
            var tree = ProcessTree.Descendants(process.Id);
            if (!process.HasExited)
            {
                _ = Interop.Kill(process.Id, Interop.SIGTERM);
            }
            foreach (var (pid, _) in tree)
            {
                _ = Interop.Kill(pid, Interop.SIGTERM);
            }
            using (var wait = new CancellationTokenSource(StopWait))
            {
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            if (!await ProcessTree.GoneAsync(tree, StopWait))
            {
                ProcessTree.Kill(tree);
                await ProcessTree.GoneAsync(tree, StopWait);
            }
            process.Dispose();
        }
        _processes.Clear();
        _cgroup?.Dispose();
    }
}

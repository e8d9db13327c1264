using System.Diagnostics;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// One real DHCP client (dhclient, udhcpc or dhcpcd) running in a network namespace on one interface: it gets
/// a lease, configures the interface (address and default route), and keeps renewing until
/// <see cref="StopAsync"/>. Its script, pid and lease files live in a private temp folder
/// (<see cref="StateDirectory"/>) that stopping removes; nothing else on the machine is written, and only the
/// process this object started (and, if it must be killed, its children) is ever signalled.
/// </summary>
/// <remarks>
/// Stopping with release sends DHCPRELEASE: <c>dhclient -r</c> with the same files (which also stops the
/// client), SIGUSR2 then SIGTERM to udhcpc, SIGALRM to dhcpcd. Without release the client gets SIGTERM. A
/// client still running 5 s later is killed with its children.
/// </remarks>
public sealed class DhcpClientProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly DhcpClientFiles _files;
    private readonly Queue<string> _output = new();
    private readonly Lock _stopLock = new();
    private IReadOnlyList<string>? _finalEvents;
    private Task? _stopping;
    private volatile bool _stoppedByUs;

    private DhcpClientProcess(DhcpClientKind kind, string networkNamespace, string interfaceName, DhcpClientFiles files, Process process)
    {
        Kind = kind;
        Namespace = networkNamespace;
        Interface = interfaceName;
        _files = files;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Which client runs.</summary>
    public DhcpClientKind Kind { get; }

    /// <summary>The network namespace it runs in.</summary>
    public string Namespace { get; }

    /// <summary>The interface it configures.</summary>
    public string Interface { get; }

    /// <summary>The id of the client process (the process started, which <c>ip netns exec</c> replaced with the client).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The private folder with the client's script and files; gone once stopped.</summary>
    public string StateDirectory => _files.Directory;

    /// <summary>True once the client process has ended (stopped, or failed on its own).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The current lease, as the client's script last recorded it; null before the first and after a release or expiry.</summary>
    public DhcpLease? Lease => _finalEvents is null ? _files.ReadLease() : null;

    /// <summary>
    /// Every event the client's script saw, in order, upper case: dhclient and dhcpcd <c>PREINIT</c>, <c>BOUND</c>,
    /// <c>RENEW</c>, <c>RELEASE</c>, <c>STOP</c>...; udhcpc <c>DECONFIG</c>, <c>BOUND</c>, <c>RENEW</c>... Kept after stop.
    /// </summary>
    public IReadOnlyList<string> Events => _finalEvents ?? _files.ReadEvents();

    /// <summary>The last lines the client printed (stdout and stderr), for error messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="kind"/> in network namespace <paramref name="networkNamespace"/> on <paramref name="interfaceName"/>.
    /// The client owns the interface's IPv4 addresses from now on: dhclient's and udhcpc's script flush them on release.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client could not be started (ip missing, temp folder unusable).</exception>
    public static DhcpClientProcess Start(DhcpClientKind kind, string networkNamespace, string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkNamespace);
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        var files = DhcpClientFiles.Create(kind);
        try
        {
            File.WriteAllText(files.Script, DhcpClientScript.Text(kind, files));
            if (kind == DhcpClientKind.Dhclient)
            {
                File.WriteAllText(files.DhclientConf, DhcpClientFiles.DhclientConfText);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(files.Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var process = Process.Start(StartInfo(DhcpClientCommand.Start(kind, networkNamespace, interfaceName, files)))
                ?? throw new InvalidOperationException("could not start 'ip' (is iproute2 installed?)");
            return new DhcpClientProcess(kind, networkNamespace, interfaceName, files, process);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            files.Delete();
            throw new InvalidOperationException($"could not start {DhcpClients.Name(kind)} in '{networkNamespace}': {ex.Message}", ex);
        }
        catch
        {
            files.Delete();
            throw;
        }
    }

    /// <summary>
    /// Runs a client until it has a lease, then stops it (releasing the lease unless <paramref name="release"/>
    /// is false) and returns the lease. Nothing keeps running and nothing is left behind, whatever happens.
    /// </summary>
    /// <exception cref="TimeoutException">No lease within <paramref name="timeout"/>; the message holds the client's output.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the client is stopped all the same).</exception>
    public static async Task<DhcpLease> RunOnceAsync(DhcpClientKind kind, string networkNamespace, string interfaceName, TimeSpan timeout,
        bool release = true, CancellationToken cancellationToken = default)
    {
        await using var client = Start(kind, networkNamespace, interfaceName);
        var lease = await client.WaitForLeaseAsync(timeout, cancellationToken);
        await client.StopAsync(release);
        cancellationToken.ThrowIfCancellationRequested();
        return lease ?? throw new TimeoutException(client.NoLeaseMessage(timeout));
    }

    /// <summary>Why there is no lease, with the events and the client's output: for exceptions and warnings.</summary>
    public string NoLeaseMessage(TimeSpan waited)
    {
        string what = _process.HasExited && !_stoppedByUs
            ? $"ended (exit code {_process.ExitCode}) without a lease"
            : $"got no lease within {waited.TotalSeconds:0.#} s";
        return $"{DhcpClients.Name(Kind)} in '{Namespace}' on {Interface} {what} (events: {string.Join(' ', Events)}).\n{Output}";
    }

    /// <summary>
    /// Waits until the client holds a lease and returns it; null when <paramref name="timeout"/> passes first or the
    /// client ends without one. Cancellation returns null too: the client keeps running either way.
    /// </summary>
    public async Task<DhcpLease?> WaitForLeaseAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (Lease is { } lease)
            {
                return lease;
            }
            if (_process.HasExited || Stopwatch.GetTimestamp() >= deadline || cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Stops the client (see the remarks on the type), waits for it to end, and removes its folder. Safe to call
    /// more than once; bounded to about 20 s even when the client does not cooperate.
    /// </summary>
    /// <param name="release">Send DHCPRELEASE first (the server frees the address); false just stops the client.</param>
    public Task StopAsync(bool release = true)
    {
        lock (_stopLock)
        {
            return _stopping ??= StopCoreAsync(release);
        }
    }

    /// <summary>Stops the client, releasing its lease (<see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task StopCoreAsync(bool release)
    {
        try
        {
            _stoppedByUs = !_process.HasExited;
            if (_stoppedByUs)
            {
                // dhcpcd's privilege-separation helpers are its children; they end shortly after it does, and
                // once it has ended they are no longer its children, so note them now.
                var children = ProcessTree.Descendants(ProcessId);
                await SignalAsync(release);
                if (!await ExitedAsync(ExitWait))
                {
                    Keep($"nfv: {DhcpClients.Name(Kind)} (pid {ProcessId}) did not stop within {ExitWait.TotalSeconds} s; killing it and its children");
                    _process.Kill(entireProcessTree: true);
                    await ExitedAsync(ExitWait);
                }
                if (!await ProcessTree.GoneAsync(children, ExitWait))
                {
                    ProcessTree.Kill(children);
                    await ProcessTree.GoneAsync(children, ExitWait);
                }
            }
        }
        finally
        {
            _finalEvents = _files.ReadEvents();
            _files.Delete();
        }
    }

    private async Task SignalAsync(bool release)
    {
        if (!release)
        {
            Signal(Interop.SIGTERM);
            return;
        }
        switch (Kind)
        {
            case DhcpClientKind.Dhclient:
                // A second dhclient with the same files releases the lease and stops this one through the pid file.
                var result = await RunToEndAsync(DhcpClientCommand.DhclientRelease(Namespace, Interface, _files), TimeSpan.FromSeconds(10));
                Keep(result);
                Signal(Interop.SIGTERM);
                break;
            case DhcpClientKind.Udhcpc:
                // SIGUSR2: release and deconfigure (the script sees DECONFIG), then wait for that before SIGTERM.
                int before = _files.ReadEvents().Count;
                Signal(Interop.SIGUSR2);
                var deadline = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
                while (_files.ReadEvents().Count == before && !_process.HasExited && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(PollInterval);
                }
                Signal(Interop.SIGTERM);
                break;
            case DhcpClientKind.Dhcpcd:
                // dhcpcd 9: SIGALRM releases and exits (SIGHUP only rebinds); its privilege-separation helpers exit with it.
                Signal(Interop.SIGALRM);
                break;
        }
    }

    /// <summary>
    /// Signals the client only while <see cref="Process.HasExited"/> is false: until then .NET has not reaped it, so
    /// the id is still our child's (at worst a zombie) and cannot belong to another process.
    /// </summary>
    private void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            Interop.Kill(ProcessId, signal);
        }
    }

    private async Task<bool> ExitedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }

    private static ProcessStartInfo StartInfo(string[] ipArguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // ip netns exec finds the client through PATH, and the clients live in /usr/sbin.
        start.Environment["PATH"] = string.Join(':', LinuxMachineProbe.DefaultProgramDirectories);
        foreach (var argument in ipArguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>Runs <c>ip ARGS</c> to its end, bounded; returns what it printed (killed, and said so, on timeout).</summary>
    private static async Task<string> RunToEndAsync(string[] ipArguments, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(ipArguments));
        if (process is null)
        {
            return "could not start 'ip'";
        }
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
            return $"'ip {string.Join(' ', ipArguments)}' did not finish in {timeout.TotalSeconds} s";
        }
        return (await stdout + await stderr).TrimEnd();
    }
}

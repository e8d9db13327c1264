using System.Diagnostics;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// One real DHCP client (dhclient, udhcpc or dhcpcd) running in a network namespace on one interface: it gets
/// a lease, configures the interface (address and default route), and keeps renewing until
/// <see cref="HostDhcpClient.StopAsync"/>. Its script, pid and lease files live in a private temp folder
/// (<see cref="StateDirectory"/>) that stopping removes; nothing else on the machine is written, and only the
/// process this object started (and, if it must be killed, its children) is ever signalled.
/// </summary>
/// <remarks>
/// Stopping with release sends DHCPRELEASE: <c>dhclient -r</c> with the same files (which also stops the
/// client), SIGUSR2 then SIGTERM to udhcpc, SIGALRM to dhcpcd. Without release the client gets SIGTERM. A
/// client still running 5 s later is killed with its children.
/// </remarks>
public sealed class DhcpClientProcess : HostDhcpClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly DhcpClientFiles _files;
    private readonly Lock _stopLock = new();
    private IReadOnlyList<string>? _finalEvents;
    private Task? _stopping;
    private volatile bool _stoppedByUs;

    private DhcpClientProcess(DhcpClientKind kind, string networkNamespace, string interfaceName, DhcpClientFiles files, Process process)
        : base(kind, networkNamespace, interfaceName)
    {
        _files = files;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The id of the client process (the process started, which <c>ip netns exec</c> replaced with the client).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The private folder with the client's script and files; gone once stopped.</summary>
    public string StateDirectory => _files.Directory;

    /// <inheritdoc/>
    public override bool HasExited => _process.HasExited;

    /// <summary>The current lease, as the client's script last recorded it; null before the first and after a release or expiry.</summary>
    public override DhcpLease? Lease => _finalEvents is null ? _files.ReadLease() : null;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Events => _finalEvents ?? _files.ReadEvents();

    private protected override string? EndedOnItsOwn => _process.HasExited && !_stoppedByUs ? $"ended (exit code {_process.ExitCode})" : null;

    /// <summary>
    /// Starts <paramref name="kind"/> (the command <paramref name="program"/>, <see cref="DhcpClients.Program"/>) in network
    /// namespace <paramref name="networkNamespace"/> on <paramref name="interfaceName"/>. The client owns the interface's
    /// IPv4 addresses from now on: dhclient's and udhcpc's script flush them on release.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client could not be started (ip missing, temp folder unusable).</exception>
    internal static DhcpClientProcess Start(DhcpClientKind kind, string[] program, string networkNamespace, string interfaceName)
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
            var process = Process.Start(IpCommand.StartInfo(DhcpClientCommand.Start(kind, program, networkNamespace, interfaceName, files)))
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

    /// <summary>Stops the client (see the remarks on the type), waits for it to end, and removes its folder.</summary>
    /// <param name="release">Send DHCPRELEASE first (the server frees the address); false just stops the client.</param>
    public override Task StopAsync(bool release = true)
    {
        lock (_stopLock)
        {
            return _stopping ??= StopCoreAsync(release);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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
        ResolveServer();
        switch (Kind)
        {
            case DhcpClientKind.Dhclient:
                // A second dhclient with the same files releases the lease and stops this one through the pid file.
                var result = await IpCommand.RunAsync(DhcpClientCommand.DhclientRelease(Namespace, Interface, _files));
                Keep(result.Output);
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
}

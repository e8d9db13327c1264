using Microsoft.Extensions.Logging;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Lab.Vm;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// Keeps a running topology's lab hosts: notices a host that vanished under nfv (its namespace deleted or replaced, or its
/// <c>eth0</c> removed), takes it down once (log line, its DHCP client stopped, its port closed so it costs nothing), brings
/// it back when a namespace of its name appears again, and restarts a host on request (<c>nfv restart-host</c>). A VM
/// host is its QEMU (<see cref="VmHost"/>): down when QEMU ends, back on a restart.
/// </summary>
/// <remarks>
/// Checked once a second from one loop, and every change is made under one lock, so the watcher and a restart never
/// race. A host comes back with the same MAC (the port's new device gets the old one's), so its neighbours' ARP caches
/// and its DHCP lease still fit.
/// </remarks>
public sealed class LabHosts
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly LabEnvironment _lab;
    private ResolvedTopology _topology; // changed by ApplyAsync, under _lock
    private readonly DhcpHosts _dhcp;
    private readonly WorkerGroup _worker;
    private readonly ILogger _logger;
    private readonly TimeSpan _dhcpTimeout;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, string?> _down = []; // host name -> why it is down; absent while up
    private readonly Dictionary<string, HostCommands> _commands = []; // host name -> its exec commands and cgroup, while up (under _lock)
    private readonly Dictionary<string, VmHost> _vms = []; // host name -> its guest, while up (under _lock)
    private readonly string _stateDirectory;
    private readonly VmAccelerator _accelerator;
    private bool _stopped; // under _lock

    /// <summary>
    /// Keeps the hosts of <paramref name="topology"/>, made by <paramref name="lab"/>, whose ports <paramref name="worker"/>
    /// runs; a DHCP host waits up to <paramref name="dhcpTimeout"/> for its lease when it comes back. A VM's console log and
    /// QEMU's pid file go to <paramref name="stateDirectory"/>.
    /// </summary>
    public LabHosts(ResolvedTopology topology, LabEnvironment lab, DhcpHosts dhcp, WorkerGroup worker, ILogger logger, TimeSpan dhcpTimeout, string stateDirectory)
    {
        _stateDirectory = stateDirectory;
        _accelerator = topology.Hosts.Any(h => h.Vm is not null) ? QemuCommand.ChooseAccelerator() : VmAccelerator.Tcg;
        _topology = topology;
        _lab = lab;
        _dhcp = dhcp;
        _worker = worker;
        _logger = logger;
        _dhcpTimeout = dhcpTimeout;
    }

    /// <summary>
    /// Starts what the hosts run once frames flow: each VM's guest, and what each namespace host runs besides its network
    /// (<c>exec:</c>, in its cgroup when it has limits); they start again each time a host comes back. Throws
    /// <see cref="LabException"/> when one cannot start.
    /// </summary>
    public async Task StartAsync()
    {
        await _lock.WaitAsync();
        try
        {
            foreach (var host in _topology.Hosts)
            {
                StartProcesses(host);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The topology whose hosts these are: the one nfv started with, or the last <see cref="ApplyAsync"/> moved to.</summary>
    public ResolvedTopology Topology => _topology;

    /// <summary>The guest of VM host <paramref name="host"/> while it is up; null otherwise.</summary>
    public VmHost? VmOf(ResolvedHost host) => _vms.GetValueOrDefault(host.Name);

    private void StartProcesses(ResolvedHost host)
    {
        if (host.Vm is not null)
        {
            _vms[host.Name] = VmHost.Start(host, _topology.Ports[host.PortIndex].SocketPath!, _stateDirectory, _accelerator, _logger);
        }
        else if (host.Exec.Count > 0 || host.Limits is not null)
        {
            _commands[host.Name] = HostCommands.Start(_topology, host, _logger);
        }
    }

    private async Task StopProcessesAsync(ResolvedHost host)
    {
        if (_commands.Remove(host.Name, out var commands))
        {
            await commands.DisposeAsync();
        }
        if (_vms.Remove(host.Name, out var vm))
        {
            await vm.DisposeAsync();
        }
    }

    /// <summary>Why <paramref name="host"/> is down, or null while it is up.</summary>
    public string? DownReason(ResolvedHost host)
    {
        lock (_down)
        {
            return _down.GetValueOrDefault(host.Name);
        }
    }

    /// <summary>Checks every host once a second until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task WatchAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _lock.WaitAsync(cancellationToken);
                try
                {
                    foreach (var host in _topology.Hosts.Where(_ => !_stopped))
                    {
                        await CheckAsync(host, cancellationToken);
                    }
                }
                finally
                {
                    _lock.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Restarts host <paramref name="name"/> as if it had been deleted and made again: its DHCP client stops, its namespace
    /// (if any) is deleted and made anew, its port gets a new device with the same MAC, and the client starts again and is
    /// waited for. Returns what <see cref="Describe"/> then says (its address or lease).
    /// </summary>
    /// <exception cref="KeyNotFoundException">There is no lab host of that name.</exception>
    /// <exception cref="LabException">Setting the host up failed; it is left down, and the message says why.</exception>
    public async Task<string> RestartAsync(string name, CancellationToken cancellationToken)
    {
        var host = _topology.Hosts.FirstOrDefault(h => h.Name == name)
            ?? throw new KeyNotFoundException($"there is no lab host '{name}'; the hosts are {string.Join(", ", _topology.Hosts.Select(h => h.Name))}");
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_stopped)
            {
                throw new LabException("nfv is stopping");
            }
            await TakeDownAsync(host, "restarting", log: false);
            if (host.Vm is not null)
            {
                StartVm(host);
            }
            else
            {
                if (NetworkNamespace.Identity(host.Name) is not null)
                {
                    IpCommand.Run("netns", "delete", host.Name);
                }
                await BringBackAsync(host, createNamespace: true, cancellationToken);
            }
        }
        catch (LabException ex)
        {
            lock (_down)
            {
                _down[host.Name] = $"the restart failed: {ex.Message}";
            }
            throw;
        }
        finally
        {
            _lock.Release();
        }
        return Describe(host);
    }

    /// <summary>
    /// Waits for a check or restart in progress, then refuses any other, and ends the hosts' commands (removing their
    /// cgroups): nfv is about to remove the lab.
    /// </summary>
    public async Task StopAsync()
    {
        await _lock.WaitAsync();
        try
        {
            _stopped = true;
            foreach (var host in _topology.Hosts)
            {
                await StopProcessesAsync(host);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Moves the lab to <paramref name="diff"/>'s new topology (<c>nfv apply</c>), with no host check or restart running
    /// meanwhile: makes the new ports, has <paramref name="replaceGraph"/> swap the dataplane's graph to them (if it
    /// throws, the ports made are removed and nothing has changed), removes the hosts that go (their DHCP leases released
    /// first, while the old graph still carries the release), closes the ports that go, then sets up the new and
    /// changed hosts as at start. A host that cannot be set up is left down and named in the returned list; the rest of
    /// the lab goes on.
    /// </summary>
    /// <exception cref="LabException">nfv is stopping, or a new port could not be made; nothing changed.</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(TopologyDiff diff, Func<IReadOnlyList<IFramePort>, Task> replaceGraph, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(replaceGraph);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_stopped)
            {
                throw new LabException("nfv is stopping");
            }
            IReadOnlyList<IFramePort> ports;
            try
            {
                ports = _lab.AddPorts(diff);
            }
            catch (TapException ex)
            {
                throw new LabException(ex.Message, ex);
            }
            var leaving = diff.RemovedHosts.ToList();
            foreach (var host in leaving)
            {
                await _dhcp.StopAsync(host.Name, release: true);
            }
            try
            {
                await replaceGraph(ports);
            }
            catch
            {
                foreach (int i in diff.AddedPorts)
                {
                    ports[i].Dispose();
                }
                foreach (var host in leaving.Where(h => DownReason(h) is null))
                {
                    _dhcp.Start(host); // it stays: its client runs again
                }
                throw;
            }
            foreach (var host in leaving)
            {
                await StopProcessesAsync(host);
                _lab.RemoveHost(host);
                lock (_down)
                {
                    _down.Remove(host.Name);
                }
            }
            _lab.Commit(diff, ports);
            _topology = diff.Next;
            _dhcp.Topology = diff.Next;
            var failed = new List<string>();
            var arriving = diff.AddedHosts.ToList();
            foreach (var host in arriving)
            {
                try
                {
                    await SetUpAsync(host, reopen: diff.PortBefore(host.PortIndex) >= 0);
                }
                catch (Exception ex) when (ex is LabException or TapException or InvalidOperationException)
                {
                    lock (_down)
                    {
                        _down[host.Name] = $"nfv apply could not set it up: {ex.Message}";
                    }
                    failed.Add($"host {host.Name}: {ex.Message}");
                }
            }
            await _dhcp.WaitForLeasesAsync(_dhcpTimeout, cancellationToken, only: [.. arriving.Select(h => h.Name)]);
            foreach (var host in arriving.Where(h => DownReason(h) is null))
            {
                StartProcesses(host);
            }
            return failed;
        }
        finally
        {
            _lock.Release();
        }
    }

    // A host nfv apply adds (or makes anew): as at start. A changed host's kept port lost its device with the old namespace.
    private async Task SetUpAsync(ResolvedHost host, bool reopen)
    {
        if (host.Vm is not null)
        {
            return; // its guest starts with the others' processes
        }
        if (reopen)
        {
            await _worker.ChangePortAsync(host.PortIndex, port => ((TapPort)port).Reopen(LabEnvironment.MacOf(host), _topology.Ports[host.PortIndex].TapName));
        }
        _lab.SetUpHost(host, createNamespace: true);
        _dhcp.Start(host);
    }

    private void StartVm(ResolvedHost host)
    {
        StartProcesses(host);
        lock (_down)
        {
            _down.Remove(host.Name);
        }
        LabLog.HostBack(_logger, host.Name, Describe(host));
    }

    /// <summary>What a user reads after the host's state: its address (or lease) while up, why it is down otherwise.</summary>
    public string Describe(ResolvedHost host) =>
        DownReason(host) ?? DescribeAddresses(host, _dhcp);

    /// <summary>
    /// What <paramref name="host"/>'s addresses are now, written as its <c>address</c> is: a DHCP host's lease in place of
    /// <c>dhcp</c> once it has one (<c>192.168.10.100/24, slaac</c>).
    /// </summary>
    public string Addressing(ResolvedHost host) => _dhcp.LeaseOf(host) is { } lease
        ? string.Join(", ", new[] { lease.ToString(), host.Ipv6Addressing }.Where(s => s.Length > 0))
        : host.Addressing;

    /// <summary>A host's addresses as a user reads them: what it was given on eth0, or its lease (and its IPv6 ones).</summary>
    public static string DescribeAddresses(ResolvedHost host, DhcpHosts? dhcp) =>
        host.Vm is not null ? $"{host.Addressing}, set by the guest on its eth0"
        : host.Dhcp is null ? $"{host.Addressing} on eth0"
        : (dhcp?.Describe(host) ?? "dhcp on eth0") + (host.Ipv6Addressing is { Length: > 0 } v6 ? $"; IPv6 {v6}" : "");

    private async Task CheckAsync(ResolvedHost host, CancellationToken cancellationToken)
    {
        if (host.Vm is not null)
        {
            if (DownReason(host) is null && VmOf(host) is { ExitCode: { } code } vm)
            {
                await TakeDownAsync(host, $"its guest stopped (QEMU exit code {code}; the console ends: {vm.ConsoleTail()})", log: true);
            }
            return;
        }
        var identity = NetworkNamespace.Identity(host.Name);
        bool recreated = identity is { } id && id != _lab.IdentityOf(host);
        if (DownReason(host) is null)
        {
            string? why = identity is null ? "its network namespace was deleted"
                : recreated ? "its network namespace was replaced"
                : _lab.PortOf(host).State == PortState.Gone ? "its interface eth0 was removed"
                : null;
            if (why is null)
            {
                return;
            }
            await TakeDownAsync(host, why, log: true);
        }
        if (identity is null)
        {
            _lab.ForgetNamespace(host); // whatever is made under its name from now on is a new namespace
        }
        if (recreated)
        {
            try
            {
                await BringBackAsync(host, createNamespace: false, cancellationToken);
            }
            catch (LabException ex)
            {
                LabLog.HostNotRestored(_logger, host.Name, ex.Message);
            }
        }
    }

    private async Task TakeDownAsync(ResolvedHost host, string why, bool log)
    {
        lock (_down)
        {
            if (_down.ContainsKey(host.Name))
            {
                return;
            }
            _down[host.Name] = why;
        }
        if (log && host.Vm is not null)
        {
            LabLog.VmDown(_logger, host.Name, why);
        }
        else if (log)
        {
            LabLog.HostDown(_logger, host.Name, why, _topology.Ports[host.PortIndex].Name);
        }
        // Nothing can carry a release any more; the client must go so it stops holding the old namespace, as must nfv
        // and the host's own commands.
        await StopProcessesAsync(host);
        if (host.Vm is not null)
        {
            return; // its socket port stays open for the guest's next start
        }
        await _dhcp.StopAsync(host.Name, release: false);
        _lab.ReleaseNamespace(host);
        // Closing the port's device removes it even from a namespace that lingers (a process still inside).
        await _worker.ChangePortAsync(host.PortIndex, port => ((TapPort)port).Close());
    }

    private async Task BringBackAsync(ResolvedHost host, bool createNamespace, CancellationToken cancellationToken)
    {
        if (createNamespace)
        {
            IpCommand.Run("netns", "add", host.Name);
        }
        // The new device is made on the worker thread, in nfv's own namespace, then moved into the host's.
        await _worker.ChangePortAsync(host.PortIndex, port => ((TapPort)port).Reopen(LabEnvironment.MacOf(host), _topology.Ports[host.PortIndex].TapName));
        _lab.SetUpHost(host, createNamespace: false);
        if (host.Dhcp is not null)
        {
            lock (_down)
            {
                _down[host.Name] = "coming back: waiting for its DHCP lease";
            }
            try
            {
                _dhcp.Start(host);
            }
            catch (InvalidOperationException ex)
            {
                throw new LabException(ex.Message, ex);
            }
            await _dhcp.WaitForLeasesAsync(_dhcpTimeout, cancellationToken, only: [host.Name]);
        }
        // Up once set up and (for a DHCP host) leased or waited for: a client still without a lease keeps trying.
        StartProcesses(host);
        lock (_down)
        {
            _down.Remove(host.Name);
        }
        LabLog.HostBack(_logger, host.Name, Describe(host));
    }
}

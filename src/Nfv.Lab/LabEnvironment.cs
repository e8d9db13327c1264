using Microsoft.Extensions.Logging;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// What <c>nfv run</c> creates on the machine for a topology: a TAP, a VXLAN tunnel's sockets or a datagram socket per
/// external port, and a network namespace per namespace lab host with its TAP inside as <c>eth0</c> (a VM host's guest
/// is started later, once frames flow: <see cref="LabHosts"/>). Disposing removes all of it, in
/// reverse order, whatever failed before. A host can be set up again in a namespace of its name
/// (<see cref="SetUpHost"/>) once its port has a new device: that is how a vanished host comes back. <c>nfv apply</c>
/// adds ports (<see cref="AddPorts"/>), removes hosts (<see cref="RemoveHost"/>) and moves the lab to the new topology
/// (<see cref="Commit"/>).
/// </summary>
public sealed class LabEnvironment : IDisposable
{
    private readonly ILogger _logger;
    private ResolvedTopology _topology;
    private IFramePort?[] _ports;
    private readonly Dictionary<string, ulong> _identities = [];
    private readonly Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> _held = [];
    private readonly List<string> _namespaces = [];

    private readonly IProgress<LabStep>? _progress;
    private readonly int _queues;
    private readonly bool _batchedTapIo;

    private LabEnvironment(ResolvedTopology topology, ILogger logger, IProgress<LabStep>? progress, int queues, bool batchedTapIo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queues, 1);
        _topology = topology;
        _logger = logger;
        _progress = progress;
        _queues = queues;
        _batchedTapIo = batchedTapIo;
        _ports = new IFramePort?[topology.Ports.Count];
    }

    /// <summary>Each external port, by index: a <see cref="TapPort"/>, a <see cref="VxlanPort"/> or a <see cref="UnixDatagramPort"/>.</summary>
    public IReadOnlyList<IFramePort> Ports => _ports!;

    /// <summary>Creates every TAP and lab host. On failure, removes what it made and throws.</summary>
    /// <exception cref="TapException">A TAP could not be created (<see cref="TapException.IsPermissionDenied"/> without privilege).</exception>
    /// <exception cref="LabException">A namespace or address could not be set up.</exception>
    /// <param name="topology">The topology whose ports and hosts to make.</param>
    /// <param name="logger">Where each device and host made is logged.</param>
    /// <param name="progress">Told how far bring-up and, at <see cref="Dispose"/>, removal have gone; null for nobody.</param>
    /// <param name="queues">Queues of each TAP it makes, now and later: one per dataplane worker.</param>
    /// <param name="batchedTapIo">Whether its TAPs read and write in batches through io_uring (<c>TapPort.CanBatchIo</c> says where they can).</param>
    public static LabEnvironment Create(ResolvedTopology topology, ILogger logger, IProgress<LabStep>? progress = null, int queues = 1, bool batchedTapIo = false)
    {
        var lab = new LabEnvironment(topology, logger, progress, queues, batchedTapIo);
        try
        {
            lab.CreatePorts();
            lab.SetUpHosts([.. topology.NamespaceHosts], createNamespace: true);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    // A namespace host's TAP is made inside its namespace, with the host (SetUpHosts).
    private void CreatePorts()
    {
        var inside = _topology.NamespaceHosts.Select(h => h.PortIndex).ToHashSet();
        int total = _topology.Ports.Count - inside.Count, done = 0;
        for (int i = 0; i < _topology.Ports.Count; i++)
        {
            if (!inside.Contains(i))
            {
                _ports[i] = CreatePort(_topology, i);
                _progress?.Report(new LabStep("ports", ++done, total));
            }
        }
    }

    private IFramePort CreatePort(ResolvedTopology topology, int index)
    {
        var port = topology.Ports[index];
        var host = topology.Hosts.FirstOrDefault(h => h.PortIndex == index);
        if (port.Vxlan is { } tunnel)
        {
            var vxlan = VxlanPort.Open(port.Name, tunnel);
            LabLog.TunnelOpened(_logger, port.Name, tunnel.ToString());
            return vxlan;
        }
        if (port.SocketPath is { } path)
        {
            // A VM's guest binds its own socket beside the port's: known now, so frames reach it before it sends any.
            string? guest = host?.Vm is not null ? VmSettings.GuestSocketFor(path) : null;
            var socket = UnixDatagramPort.Open(port.Name, path, guest);
            LabLog.SocketOpened(_logger, port.Name, path);
            return socket;
        }
        string name = port.TapName!;
        var tap = TapPort.Create(port.Name, name, _queues, _batchedTapIo);
        LabLog.TapCreated(_logger, name, port.Name);
        if (host is null)
        {
            // A TAP no host uses stays here, up, for the user to attach anything to.
            try
            {
                IpCommand.Run("link", "set", "dev", name, "up");
            }
            catch
            {
                tap.Dispose();
                throw;
            }
        }
        return tap;
    }

    /// <summary>
    /// The ports of <paramref name="diff"/>'s new topology, in its order: the running ones it keeps, and new ones made for
    /// the rest (before the graph that polls them is built). Changes nothing of the running lab; on failure, removes the
    /// ports it made and throws.
    /// </summary>
    /// <exception cref="TapException">A TAP could not be created.</exception>
    /// <exception cref="LabException">A port could not be set up.</exception>
    public IReadOnlyList<IFramePort> AddPorts(TopologyDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var ports = new IFramePort[diff.Next.Ports.Count];
        try
        {
            for (int i = 0; i < ports.Length; i++)
            {
                ports[i] = diff.PortBefore(i) is >= 0 and var before ? _ports[before]! : CreatePort(diff.Next, i);
            }
            return ports;
        }
        catch
        {
            foreach (int i in diff.AddedPorts)
            {
                ports[i]?.Dispose();
            }
            throw;
        }
    }

    /// <summary>
    /// Moves the lab to <paramref name="diff"/>'s new topology once the graph runs <paramref name="ports"/> (from
    /// <see cref="AddPorts"/>): closes the ports it no longer has, which removes their devices.
    /// </summary>
    public void Commit(TopologyDiff diff, IReadOnlyList<IFramePort> ports)
    {
        ArgumentNullException.ThrowIfNull(diff);
        foreach (int i in diff.RemovedPorts)
        {
            _ports[i]?.Dispose();
        }
        _ports = [.. ports];
        _topology = diff.Next;
    }

    /// <summary>Deletes the namespace of a host <c>nfv apply</c> removes (a host it changes comes back by <see cref="SetUpHost"/>).</summary>
    public void RemoveHost(ResolvedHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        ReleaseNamespace(host);
        _identities.Remove(host.Name);
        if (_namespaces.Remove(host.Name) && NetworkNamespace.Identity(host.Name) is not null && !IpCommand.TryRun("netns", "delete", host.Name))
        {
            LabLog.TeardownFailed(_logger, $"network namespace '{host.Name}'");
        }
    }

    /// <summary>The port of <paramref name="host"/> (of the topology the lab has now).</summary>
    public IFramePort PortOf(ResolvedHost host) => _ports[host.PortIndex]!;

    /// <summary>
    /// Sets up one host (<see cref="SetUpHosts"/>): its TAP, if the port has one already (new, or just reopened in nfv's
    /// namespace), is moved into the host's namespace as <c>eth0</c>, else made there; then its MAC (<see cref="MacOf"/>),
    /// address and gateway. Makes the namespace first when <paramref name="createNamespace"/>. Holds the namespace, so
    /// the host can be told apart from a recreated one.
    /// </summary>
    /// <exception cref="LabException">A step failed (the message is ip's).</exception>
    public void SetUpHost(ResolvedHost host, bool createNamespace) => SetUpHosts([host], createNamespace);

    /// <summary>
    /// <see cref="SetUpHost"/> for many hosts with few processes and no waiting on the kernel: one <c>ip -batch</c> makes
    /// every namespace; a port not yet open gets its TAP made inside its host's namespace, as <c>eth0</c> (moving a device
    /// between namespaces waits for an RCU grace period, about 16 ms here: a thousand hosts' worth of waiting); one more
    /// batch moves the TAPs that exist already (a host coming back, or added by <c>nfv apply</c>); then one <c>ip</c> per
    /// host configures its inside, a few hosts at a time. A host with no IPv6 address gets IPv6 turned off before its
    /// <c>eth0</c> comes up, so a thousand of them start without a storm of solicitations and reports for the switch to
    /// flood. The namespaces made are remembered before any error is thrown, so <see cref="Dispose"/> removes them, and
    /// only them.
    /// </summary>
    /// <exception cref="LabException">A host could not be set up; the message names it and says why.</exception>
    public void SetUpHosts(IReadOnlyList<ResolvedHost> hosts, bool createNamespace)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        if (createNamespace)
        {
            var made = IpCommand.BatchAsync([.. hosts.Select(h => $"netns add {h.Name}")]).GetAwaiter().GetResult();
            int count = made.ExitCode == 0 ? hosts.Count
                : made.FailedLine >= 0 ? made.FailedLine
                : hosts.TakeWhile(h => NetworkNamespace.Identity(h.Name) is not null).Count();
            Remember(hosts.Take(count));
            ThrowIfFailed(made, hosts);
            _progress?.Report(new LabStep("namespaces", hosts.Count, hosts.Count));
        }
        var moving = hosts.Where(h => _ports[h.PortIndex] is not null).ToList();
        foreach (var host in moving)
        {
            Tap(host).SetHardwareAddress(MacOf(host));
        }
        ThrowIfFailed(IpCommand.BatchAsync([.. moving.Select(h => $"link set dev {TapNameOf(h)} netns {h.Name}")]).GetAwaiter().GetResult(), moving);
        // Each namespace is nfv's to remove from now on: made here, or (a host coming back) made by the user for it.
        Remember(hosts);
        var errors = new System.Collections.Concurrent.ConcurrentDictionary<ResolvedHost, string>();
        int configured = 0;
        Parallel.ForEachAsync(hosts, new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount }, async (host, cancellationToken) =>
        {
            try
            {
                bool moved = _ports[host.PortIndex] is not null;
                NetworkNamespace.Run(host.Name, () => EnterInside(host));
                var configured = await IpCommand.BatchAsync(InsideLines(host, moved), netns: host.Name, cancellationToken: cancellationToken);
                if (configured.ExitCode != 0)
                {
                    errors[host] = configured.Output;
                }
            }
            catch (Exception ex) when (ex is LabException or TapException)
            {
                errors[host] = ex.Message;
            }
            _progress?.Report(new LabStep("hosts", Interlocked.Increment(ref configured), hosts.Count));
        }).GetAwaiter().GetResult();
        if (hosts.FirstOrDefault(errors.ContainsKey) is { } broken)
        {
            throw new LabException($"host '{broken.Name}': {errors[broken]}");
        }
        foreach (var host in hosts)
        {
            HoldNamespace(host);
            LabLog.HostCreated(_logger, host.Name, host.Addressing, TapNameOf(host));
        }
    }

    private void Remember(IEnumerable<ResolvedHost> hosts)
    {
        foreach (var host in hosts.Where(h => !_namespaces.Contains(h.Name)))
        {
            _namespaces.Add(host.Name);
        }
    }

    // A batch that failed names the host of the line that failed (one line per host, in order).
    private static void ThrowIfFailed(IpResult result, IReadOnlyList<ResolvedHost> hosts)
    {
        if (result.ExitCode != 0)
        {
            var host = result.FailedLine >= 0 && result.FailedLine < hosts.Count ? hosts[result.FailedLine] : null;
            throw new LabException(host is null ? result.Output : $"host '{host.Name}': {result.Output}");
        }
    }

    // On a thread inside the host's namespace: IPv6 off when the host has none (all: lo and a moved eth0, already there;
    // default: what is made next), then its TAP made there as eth0 unless it exists already. A kernel without IPv6 has
    // no such files, and nothing to turn off.
    private bool EnterInside(ResolvedHost host)
    {
        if (host.Ipv6Addresses.Count == 0 && !host.Slaac)
        {
            foreach (var scope in new[] { "all", "default" })
            {
                try
                {
                    File.WriteAllText($"/proc/sys/net/ipv6/conf/{scope}/disable_ipv6", "1");
                }
                catch (DirectoryNotFoundException)
                {
                }
            }
        }
        if (_ports[host.PortIndex] is null)
        {
            var tap = TapPort.Create(_topology.Ports[host.PortIndex].Name, "eth0", _queues, _batchedTapIo);
            _ports[host.PortIndex] = tap; // before anything else can fail: Dispose closes it
            tap.SetHardwareAddress(MacOf(host));
            LabLog.TapCreated(_logger, "eth0", tap.Name);
        }
        return true;
    }

    private string TapNameOf(ResolvedHost host) => _topology.Ports[host.PortIndex].TapName!;

    // What ip does inside a new host's namespace, in order (a DHCP host's address and route come later, from its client).
    private List<string> InsideLines(ResolvedHost host, bool moved)
    {
        var lines = moved ? new List<string> { $"link set dev {TapNameOf(host)} name eth0" } : [];
        lines.Add("link set dev lo up");
        if (host.Address is { } address)
        {
            lines.Add($"addr add {address} dev eth0");
        }
        // Static IPv6 addresses skip duplicate address detection: the topology already refuses two hosts with one address,
        // and a host is usable at once. SLAAC needs nothing here: a new namespace accepts router advertisements (the
        // kernel's defaults: accept_ra 1, autoconf 1, forwarding 0) and solicits them when eth0 comes up.
        lines.AddRange(host.Ipv6Addresses.Select(a => $"addr add {a} dev eth0 nodad"));
        lines.Add("link set dev eth0 up");
        if (host.Gateway is { } gateway)
        {
            lines.Add($"route add default via {gateway}");
        }
        if (host.Ipv6Gateway is { } gateway6)
        {
            lines.Add($"route add default via {gateway6} dev eth0");
        }
        return lines;
    }


    /// <summary>The identity (<see cref="NetworkNamespace.Identity"/>) of the namespace the host was last set up in.</summary>
    public ulong IdentityOf(ResolvedHost host) => _identities[host.Name];

    /// <summary>
    /// Notes the identity of the host's namespace and keeps it open. Held open, a namespace deleted by name lives on
    /// until <see cref="ReleaseNamespace"/>, so the kernel cannot give its identity (inode number) to a namespace made
    /// later under the same name: a recreated host is always told apart from the one nfv set up.
    /// </summary>
    private void HoldNamespace(ResolvedHost host)
    {
        ReleaseNamespace(host);
        try
        {
            _held[host.Name] = File.OpenHandle(Path.Combine(NetworkNamespace.Directory, host.Name));
        }
        catch (IOException ex)
        {
            throw new LabException($"network namespace '{host.Name}' vanished while it was set up: {ex.Message}", ex);
        }
        _identities[host.Name] = NetworkNamespace.Identity(host.Name) ?? throw new LabException($"network namespace '{host.Name}' vanished while it was set up");
    }

    /// <summary>
    /// Forgets the host's namespace once its name is gone: the kernel may give the freed identity to the next namespace
    /// made under that name, which must still count as a new one (seen: <c>ip netns del h1; ip netns add h1</c> right
    /// after nfv let go of the old one, and the host never came back).
    /// </summary>
    public void ForgetNamespace(ResolvedHost host)
    {
        ReleaseNamespace(host);
        _identities[host.Name] = 0;
    }

    /// <summary>Lets go of the host's namespace (see <see cref="HoldNamespace"/>): deleted by name, it now goes for good.</summary>
    public void ReleaseNamespace(ResolvedHost host)
    {
        if (_held.Remove(host.Name, out var handle))
        {
            handle.Dispose();
        }
    }

    /// <summary>
    /// The MAC of a host's <c>eth0</c>: its <c>mac:</c>, or one derived from its name. Stable across restarts of the host and
    /// of nfv, as a machine's own is, so neighbours' ARP caches and the DHCP server's leases still fit it afterwards.
    /// </summary>
    public static MacAddress MacOf(ResolvedHost host) => host.Mac ?? MacAddress.FromName("host/" + host.Name);

    // A lab host's port is a TAP: the loader refuses a host on a tunnel.
    private TapPort Tap(ResolvedHost host) => (TapPort)_ports[host.PortIndex]!;

    /// <summary>Deletes the namespaces that still exist, then closes the ports (which removes the TAPs).</summary>
    public void Dispose()
    {
        foreach (var handle in _held.Values)
        {
            handle.Dispose();
        }
        _held.Clear();
        // One ip for all of them (every line tried, whatever fails), newest first.
        var existing = Enumerable.Reverse(_namespaces).Where(n => NetworkNamespace.Identity(n) is not null).ToList();
        if (IpCommand.BatchAsync([.. existing.Select(n => $"netns delete {n}")], force: true).GetAwaiter().GetResult().ExitCode != 0)
        {
            foreach (var name in existing.Where(n => NetworkNamespace.Identity(n) is not null))
            {
                LabLog.TeardownFailed(_logger, $"network namespace '{name}'");
            }
        }
        if (existing.Count > 0)
        {
            _progress?.Report(new LabStep("removing namespaces", existing.Count, existing.Count));
        }
        _namespaces.Clear();
        // Closing a TAP removes its device, and the kernel then waits for RCU callbacks (rcu_barrier, tens of ms) outside
        // its lock: closed side by side, the waits overlap (a thousand hosts: 30 s one by one, see bench/README.md).
        // Threads of their own: the pool would add threads for blocked work about one a second.
        int count = Math.Min(64, _ports.Length), open = _ports.Count(p => p is not null), closed = 0;
        var closers = Enumerable.Range(0, count).Select(k => new Thread(() =>
        {
            for (int i = k; i < _ports.Length; i += count)
            {
                if (_ports[i] is { } port)
                {
                    port.Dispose();
                    _ports[i] = null;
                    _progress?.Report(new LabStep("closing ports", Interlocked.Increment(ref closed), open));
                }
            }
        }) { Name = "nfv-port-close", IsBackground = true }).ToList();
        closers.ForEach(t => t.Start());
        closers.ForEach(t => t.Join());
    }
}

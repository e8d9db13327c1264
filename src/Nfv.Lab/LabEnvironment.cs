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

    private LabEnvironment(ResolvedTopology topology, ILogger logger)
    {
        _topology = topology;
        _logger = logger;
        _ports = new IFramePort?[topology.Ports.Count];
    }

    /// <summary>Each external port, by index: a <see cref="TapPort"/>, a <see cref="VxlanPort"/> or a <see cref="UnixDatagramPort"/>.</summary>
    public IReadOnlyList<IFramePort> Ports => _ports!;

    /// <summary>Creates every TAP and lab host. On failure, removes what it made and throws.</summary>
    /// <exception cref="TapException">A TAP could not be created (<see cref="TapException.IsPermissionDenied"/> without privilege).</exception>
    /// <exception cref="LabException">A namespace or address could not be set up.</exception>
    public static LabEnvironment Create(ResolvedTopology topology, ILogger logger)
    {
        var lab = new LabEnvironment(topology, logger);
        try
        {
            lab.CreatePorts();
            foreach (var host in topology.NamespaceHosts)
            {
                lab.SetUpHost(host, createNamespace: true);
            }
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private void CreatePorts()
    {
        for (int i = 0; i < _topology.Ports.Count; i++)
        {
            _ports[i] = CreatePort(_topology, i);
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
        var tap = TapPort.Create(port.Name, name);
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
    /// Moves the host's TAP (which must be a device in this namespace: new, or just reopened) into the host's namespace
    /// as <c>eth0</c> with its MAC (<see cref="MacOf"/>), address and gateway; makes the namespace first when
    /// <paramref name="createNamespace"/>. Holds the namespace, so the host can be told apart from a recreated one.
    /// </summary>
    /// <exception cref="LabException">A step failed (the message is ip's).</exception>
    public void SetUpHost(ResolvedHost host, bool createNamespace)
    {
        var tap = _topology.Ports[host.PortIndex].TapName!;
        Tap(host).SetHardwareAddress(MacOf(host));
        if (createNamespace)
        {
            IpCommand.Run("netns", "add", host.Name);
        }
        if (!_namespaces.Contains(host.Name))
        {
            _namespaces.Add(host.Name);
        }
        // A TAP moved into a namespace arrives down and without addresses: configure it after the move.
        IpCommand.Run("link", "set", "dev", tap, "netns", host.Name);
        IpCommand.Run("-n", host.Name, "link", "set", "dev", tap, "name", "eth0");
        IpCommand.Run("-n", host.Name, "link", "set", "dev", "lo", "up");
        // A DHCP host's address and route come later, from its client (DhcpHosts), once the dataplane runs.
        if (host.Address is { } address)
        {
            IpCommand.Run("-n", host.Name, "addr", "add", address.ToString(), "dev", "eth0");
        }
        // Static IPv6 addresses skip duplicate address detection: the topology already refuses two hosts with one address,
        // and a host is usable at once. SLAAC needs nothing here: a new namespace accepts router advertisements (the
        // kernel's defaults: accept_ra 1, autoconf 1, forwarding 0) and solicits them when eth0 comes up.
        foreach (var address6 in host.Ipv6Addresses)
        {
            IpCommand.Run("-n", host.Name, "-6", "addr", "add", address6.ToString(), "dev", "eth0", "nodad");
        }
        IpCommand.Run("-n", host.Name, "link", "set", "dev", "eth0", "up");
        if (host.Gateway is { } gateway)
        {
            IpCommand.Run("-n", host.Name, "route", "add", "default", "via", gateway.ToString());
        }
        if (host.Ipv6Gateway is { } gateway6)
        {
            IpCommand.Run("-n", host.Name, "-6", "route", "add", "default", "via", gateway6.ToString(), "dev", "eth0");
        }
        HoldNamespace(host);
        LabLog.HostCreated(_logger, host.Name, host.Addressing, tap);
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
        for (int i = _namespaces.Count - 1; i >= 0; i--)
        {
            if (NetworkNamespace.Identity(_namespaces[i]) is not null && !IpCommand.TryRun("netns", "delete", _namespaces[i]))
            {
                LabLog.TeardownFailed(_logger, $"network namespace '{_namespaces[i]}'");
            }
        }
        _namespaces.Clear();
        for (int i = _ports.Length - 1; i >= 0; i--)
        {
            _ports[i]?.Dispose();
            _ports[i] = null;
        }
    }
}

using Microsoft.Extensions.Logging;
using Nfv.Lab;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Host.Lab;

/// <summary>
/// What <c>nfv run</c> creates on the machine for a topology: a TAP per external port, and a network
/// namespace per lab host with the TAP inside as <c>eth0</c>. Disposing removes all of it, in
/// reverse order, whatever failed before.
/// </summary>
internal sealed class LabEnvironment : IDisposable
{
    private readonly ResolvedTopology _topology;
    private readonly ILogger _logger;
    private readonly TapPort?[] _taps;
    private readonly List<string> _namespaces = [];

    private LabEnvironment(ResolvedTopology topology, ILogger logger)
    {
        _topology = topology;
        _logger = logger;
        _taps = new TapPort?[topology.Ports.Count];
    }

    /// <summary>The TAP of each external port, by index.</summary>
    public IReadOnlyList<TapPort> Taps => _taps!;

    /// <summary>Creates every TAP and lab host. On failure, removes what it made and throws.</summary>
    /// <exception cref="TapException">A TAP could not be created (<see cref="TapException.IsPermissionDenied"/> without privilege).</exception>
    /// <exception cref="LabException">A namespace or address could not be set up.</exception>
    public static LabEnvironment Create(ResolvedTopology topology, ILogger logger)
    {
        var lab = new LabEnvironment(topology, logger);
        try
        {
            lab.CreateTaps();
            lab.CreateHosts();
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private void CreateTaps()
    {
        var hosted = _topology.Hosts.Select(h => h.PortIndex).ToHashSet();
        for (int i = 0; i < _topology.Ports.Count; i++)
        {
            var port = _topology.Ports[i];
            _taps[i] = TapPort.Create(port.Name, port.TapName);
            HostLog.TapCreated(_logger, port.TapName, port.Name);
            if (!hosted.Contains(i))
            {
                // A TAP no host uses stays here, up, for the user to attach anything to.
                IpCommand.Run("link", "set", "dev", port.TapName, "up");
            }
        }
    }

    private void CreateHosts()
    {
        foreach (var host in _topology.Hosts)
        {
            var tap = _topology.Ports[host.PortIndex].TapName;
            IpCommand.Run("netns", "add", host.Name);
            _namespaces.Add(host.Name);
            // A TAP moved into a namespace arrives down and without addresses (TAP-NOTES trap 2).
            IpCommand.Run("link", "set", "dev", tap, "netns", host.Name);
            IpCommand.Run("-n", host.Name, "link", "set", "dev", tap, "name", "eth0");
            if (host.Mac is { } mac)
            {
                IpCommand.Run("-n", host.Name, "link", "set", "dev", "eth0", "address", mac.ToString());
            }
            IpCommand.Run("-n", host.Name, "link", "set", "dev", "lo", "up");
            // A DHCP host's address and route come later, from its client (DhcpHosts), once the dataplane runs.
            if (host.Address is { } address)
            {
                IpCommand.Run("-n", host.Name, "addr", "add", address.ToString(), "dev", "eth0");
            }
            IpCommand.Run("-n", host.Name, "link", "set", "dev", "eth0", "up");
            if (host.Gateway is { } gateway)
            {
                IpCommand.Run("-n", host.Name, "route", "add", "default", "via", gateway.ToString());
            }
            HostLog.HostCreated(_logger, host.Name, host.Address?.ToString() ?? "dhcp", tap);
        }
    }

    /// <summary>Deletes the namespaces, then closes the TAPs (which removes them).</summary>
    public void Dispose()
    {
        for (int i = _namespaces.Count - 1; i >= 0; i--)
        {
            if (!IpCommand.TryRun("netns", "delete", _namespaces[i]))
            {
                HostLog.TeardownFailed(_logger, $"network namespace '{_namespaces[i]}'");
            }
        }
        _namespaces.Clear();
        for (int i = _taps.Length - 1; i >= 0; i--)
        {
            _taps[i]?.Dispose();
            _taps[i] = null;
        }
    }
}

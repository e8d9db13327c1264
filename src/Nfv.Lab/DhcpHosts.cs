using Microsoft.Extensions.Logging;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The DHCP clients of a topology's <c>address: dhcp</c> hosts: one real client per host, started in the host's
/// namespace on <c>eth0</c> once the dataplane forwards, kept running (it renews) and stopped with a release before
/// the dataplane stops, so the DHCPRELEASE can still reach the server.
/// </summary>
public sealed class DhcpHosts
{
    private readonly ILogger _logger;
    private ResolvedTopology _topology;
    private readonly Dictionary<string, HostDhcpClient> _clients = [];

    private DhcpHosts(ResolvedTopology topology, ILogger logger)
    {
        _topology = topology;
        _logger = logger;
    }

    /// <summary>Starts a client for every DHCP host. On failure, stops the ones it started and throws.</summary>
    /// <exception cref="LabException">A client could not be started.</exception>
    public static async Task<DhcpHosts> StartAsync(ResolvedTopology topology, ILogger logger)
    {
        var hosts = new DhcpHosts(topology, logger);
        try
        {
            foreach (var host in topology.Hosts)
            {
                hosts.Start(host);
            }
            return hosts;
        }
        catch (InvalidOperationException ex)
        {
            await hosts.StopAsync();
            throw new LabException(ex.Message, ex);
        }
    }

    /// <summary>Starts the client of <paramref name="host"/>, if it is a DHCP host (again, after <see cref="StopAsync(string, bool)"/>).</summary>
    /// <exception cref="InvalidOperationException">The client could not be started.</exception>
    public void Start(ResolvedHost host)
    {
        if (host.Dhcp is { } kind && host.Vm is null) // a VM's guest runs its own client
        {
            var client = HostDhcpClient.Start(kind, host.Name, "eth0");
            lock (_clients)
            {
                _clients.Add(host.Name, client);
            }
        }
    }

    /// <summary>
    /// Stops the client of host <paramref name="hostName"/>, if it has one, releasing its lease when <paramref name="release"/>
    /// (not when the host is gone: nothing would carry the release).
    /// </summary>
    public async Task StopAsync(string hostName, bool release)
    {
        HostDhcpClient? client;
        lock (_clients)
        {
            _clients.Remove(hostName, out client);
        }
        if (client is not null)
        {
            await client.StopAsync(release);
            await client.DisposeAsync();
            LabLog.DhcpClientStopped(_logger, hostName, string.Join(' ', client.Events));
        }
    }

    /// <summary>
    /// Waits, all hosts at once, until each has a lease or <paramref name="timeout"/> passes; logs each outcome.
    /// A host without a lease is a warning, not a failure: its client keeps trying. With <paramref name="only"/>, waits
    /// for the clients of those hosts alone.
    /// </summary>
    public async Task WaitForLeasesAsync(TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
    {
        KeyValuePair<string, HostDhcpClient>[] clients;
        lock (_clients)
        {
            clients = [.. _clients.Where(c => only is null || only.Contains(c.Key))];
        }
        await Task.WhenAll(clients.Select(async entry =>
        {
            var (name, client) = (entry.Key, entry.Value);
            var lease = await client.WaitForLeaseAsync(timeout, cancellationToken);
            string program = DhcpClients.Name(client.Kind);
            if (lease is not null)
            {
                LabLog.DhcpLeased(_logger, name, lease.ToString(), program);
            }
            else if (client.HasExited)
            {
                LabLog.DhcpClientExited(_logger, name, program, client.Output);
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                LabLog.DhcpNoLease(_logger, name, timeout.TotalSeconds, program, PortOf(name), client.Output);
            }
        }));
    }

    /// <summary>The topology whose hosts these are; <c>nfv apply</c> moves it to the next (hosts named by name stay).</summary>
    public ResolvedTopology Topology
    {
        get => _topology;
        set => _topology = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>What the host's line says after <c>host NAME: </c> in nfv's "is up" output.</summary>
    public string Describe(ResolvedHost host)
    {
        HostDhcpClient? client;
        lock (_clients)
        {
            _clients.TryGetValue(host.Name, out client);
        }
        if (client is null)
        {
            return "NO ADDRESS: the host is down on eth0";
        }
        string program = DhcpClients.Name(client.Kind);
        if (client.Lease is { } lease)
        {
            return $"{lease}, by DHCP ({program}) on eth0";
        }
        return client.HasExited
            ? $"NO ADDRESS: {program} ended without a lease (see the log) on eth0"
            : $"NO DHCP LEASE YET ({program} keeps trying; is a DHCP server linked?) on eth0";
    }

    /// <summary>The leased address of <paramref name="host"/>, or null.</summary>
    public string? AddressOf(ResolvedHost host) => LeaseOf(host)?.Address.ToString();

    /// <summary>The address and prefix <paramref name="host"/> holds by DHCP now, or null without a lease.</summary>
    public Nfv.Ip.Headers.Ipv4Prefix? LeaseOf(ResolvedHost host)
    {
        lock (_clients)
        {
            return _clients.TryGetValue(host.Name, out var client) ? client.Lease?.Address : null;
        }
    }

    /// <summary>Releases every lease and stops every client (each by the process id it was started as).</summary>
    public async Task StopAsync()
    {
        string[] names;
        lock (_clients)
        {
            names = [.. _clients.Keys];
        }
        await Task.WhenAll(names.Select(name => StopAsync(name, release: true)));
    }

    private string PortOf(string hostName)
    {
        var host = _topology.Hosts.First(h => h.Name == hostName);
        return _topology.Ports[host.PortIndex].Name;
    }
}

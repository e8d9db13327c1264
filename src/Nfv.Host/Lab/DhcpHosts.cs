using Microsoft.Extensions.Logging;
using Nfv.Lab;
using Nfv.Topology;

namespace Nfv.Host.Lab;

/// <summary>
/// The DHCP clients of a topology's <c>address: dhcp</c> hosts: one real client per host, started in the host's
/// namespace on <c>eth0</c> once the dataplane forwards, kept running (it renews) and stopped with a release before
/// the dataplane stops, so the DHCPRELEASE can still reach the server.
/// </summary>
internal sealed class DhcpHosts
{
    private readonly ResolvedTopology _topology;
    private readonly ILogger _logger;
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
                if (host.Dhcp is { } kind)
                {
                    hosts._clients.Add(host.Name, HostDhcpClient.Start(kind, host.Name, "eth0"));
                }
            }
            return hosts;
        }
        catch (InvalidOperationException ex)
        {
            await hosts.StopAsync();
            throw new LabException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Waits, all hosts at once, until each has a lease or <paramref name="timeout"/> passes; logs each outcome.
    /// A host without a lease is a warning, not a failure: its client keeps trying.
    /// </summary>
    public async Task WaitForLeasesAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_clients.Select(async entry =>
        {
            var (name, client) = (entry.Key, entry.Value);
            var lease = await client.WaitForLeaseAsync(timeout, cancellationToken);
            string program = DhcpClients.Name(client.Kind);
            if (lease is not null)
            {
                HostLog.DhcpLeased(_logger, name, lease.ToString(), program);
            }
            else if (client.HasExited)
            {
                HostLog.DhcpClientExited(_logger, name, program, client.Output);
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                HostLog.DhcpNoLease(_logger, name, timeout.TotalSeconds, program, PortOf(name), client.Output);
            }
        }));
    }

    /// <summary>What the host's line says after <c>host NAME: </c> in nfv's "is up" output.</summary>
    public string Describe(ResolvedHost host)
    {
        var client = _clients[host.Name];
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
    public string? AddressOf(ResolvedHost host) =>
        _clients.TryGetValue(host.Name, out var client) ? client.Lease?.Address.Address.ToString() : null;

    /// <summary>Releases every lease and stops every client (each by the process id it was started as).</summary>
    public async Task StopAsync()
    {
        await Task.WhenAll(_clients.Select(async entry =>
        {
            await entry.Value.DisposeAsync();
            HostLog.DhcpClientStopped(_logger, entry.Key, string.Join(' ', entry.Value.Events));
        }));
        _clients.Clear();
    }

    private string PortOf(string hostName)
    {
        var host = _topology.Hosts.First(h => h.Name == hostName);
        return _topology.Ports[host.PortIndex].Name;
    }
}

using Nfv.Lab;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// DHCP clients (dhclient, udhcpc, dhcpcd and nfv's built-in one) for tests of DHCP servers, nfv's included: the same
/// <see cref="HostDhcpClient"/> that <c>nfv run</c> uses for its <c>address: dhcp</c> hosts, with test defaults.
/// Every wait is bounded, the client's files live in a temp folder removed at stop, and only the client's own
/// process id is signalled.
/// </summary>
public static class DhcpClient
{
    /// <summary>How long a client gets for a lease unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// One exchange: runs <paramref name="kind"/> in <paramref name="ns"/> on <paramref name="interfaceName"/> until it
    /// holds a lease, stops it (sending DHCPRELEASE unless <paramref name="release"/> is false) and returns the lease.
    /// Throws <see cref="TimeoutException"/>, with the client's output, when no lease comes.
    /// </summary>
    public static Task<DhcpLease> GetLeaseAsync(DhcpClientKind kind, string ns, string interfaceName = "eth0",
        TimeSpan? timeout = null, bool release = true) =>
        HostDhcpClient.RunOnceAsync(kind, ns, interfaceName, timeout ?? DefaultTimeout, release);

    /// <summary>
    /// A client that keeps its lease, configures the interface (address, default route) and renews, until the test
    /// calls <see cref="HostDhcpClient.StopAsync"/> or <paramref name="lab"/> is torn down. Waits for the first
    /// lease and throws, with the client's output, when none comes.
    /// </summary>
    public static async Task<HostDhcpClient> StartAsync(Lab lab, DhcpClientKind kind, string ns, string interfaceName = "eth0", TimeSpan? timeout = null)
    {
        var client = lab.Add(HostDhcpClient.Start(kind, ns, interfaceName));
        var wait = timeout ?? DefaultTimeout;
        if (await client.WaitForLeaseAsync(wait) is null)
        {
            throw new TimeoutException(client.NoLeaseMessage(wait));
        }
        return client;
    }
}

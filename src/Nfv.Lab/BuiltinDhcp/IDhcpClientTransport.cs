using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Lab;

/// <summary>
/// What <see cref="BuiltinDhcpClient"/> needs of the host it serves: DHCP messages in and out of its interface, and the
/// interface's address and default route set from a lease. <see cref="NamespaceDhcpTransport"/> is the real one; tests
/// put a server in memory behind it.
/// </summary>
internal interface IDhcpClientTransport : IDisposable
{
    /// <summary>The interface's MAC address (chaddr).</summary>
    MacAddress Mac { get; }

    /// <summary>Sends a client message to a server's port 67 at <paramref name="destination"/> (255.255.255.255 to broadcast).</summary>
    ValueTask SendAsync(byte[] message, Ipv4Address destination, CancellationToken cancellationToken);

    /// <summary>Resolves <paramref name="server"/>'s MAC before a unicast RELEASE (see <see cref="NetworkNamespace.ResolveNeighbour"/>); why not, or null.</summary>
    string? ResolveServer(Ipv4Address server);

    /// <summary>Waits for the next datagram to port 68 and returns its length.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Gives the interface the lease's address and default route, replacing <paramref name="previous"/>'s.</summary>
    Task ConfigureAsync(DhcpLease lease, DhcpLease? previous, CancellationToken cancellationToken);

    /// <summary>Takes the lease's address and route off the interface.</summary>
    Task DeconfigureAsync(DhcpLease lease, CancellationToken cancellationToken);
}

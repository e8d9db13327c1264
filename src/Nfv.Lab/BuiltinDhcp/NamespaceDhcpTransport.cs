using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Lab;

/// <summary>
/// The built-in client's way into a lab host: a UDP socket on port 68 created inside the host's namespace
/// (<see cref="NetworkNamespace"/>) and bound to its interface, and <c>ip -n NS</c> for the address and route.
/// </summary>
/// <remarks>
/// A plain UDP socket serves a client with no address yet, no raw socket needed: bound to the device
/// (SO_BINDTODEVICE) with SO_BROADCAST, Linux sends from 0.0.0.0 to 255.255.255.255 and delivers broadcast replies to
/// port 68, which is why the client asks for broadcast replies until it is bound. Once the address is set, the same
/// socket sends unicast renewals and receives the unicast answers. The socket keeps the namespace alive while it is
/// open: stopping the client closes it.
/// </remarks>
internal sealed class NamespaceDhcpTransport : IDhcpClientTransport
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    private readonly Socket _socket;
    private readonly string _namespace;
    private readonly string _interface;

    private NamespaceDhcpTransport(Socket socket, MacAddress mac, string networkNamespace, string interfaceName)
    {
        _socket = socket;
        Mac = mac;
        _namespace = networkNamespace;
        _interface = interfaceName;
    }

    public MacAddress Mac { get; }

    /// <summary>Opens the socket in <paramref name="networkNamespace"/> on <paramref name="interfaceName"/>.</summary>
    /// <exception cref="LabException">No such namespace or interface, or port 68 is taken there.</exception>
    public static NamespaceDhcpTransport Open(string networkNamespace, string interfaceName)
    {
        var socket = NetworkNamespace.Run(networkNamespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                s.EnableBroadcast = true;
                s.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
                s.Bind(new IPEndPoint(IPAddress.Any, 68));
                return s;
            }
            catch (SocketException ex)
            {
                s.Dispose();
                throw new LabException($"cannot open the DHCP client port 68 on {interfaceName} in '{networkNamespace}': {ex.Message}", ex);
            }
        });
        try
        {
            return new NamespaceDhcpTransport(socket, ReadMac(networkNamespace, interfaceName), networkNamespace, interfaceName);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(byte[] message, Ipv4Address destination, CancellationToken cancellationToken)
    {
        var address = new byte[4];
        destination.Write(address);
        await _socket.SendToAsync(message, SocketFlags.None, new IPEndPoint(new IPAddress(address), 67), cancellationToken);
    }

    public string? ResolveServer(Ipv4Address server) => NetworkNamespace.ResolveNeighbour(_namespace, server);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public async Task ConfigureAsync(DhcpLease lease, DhcpLease? previous, CancellationToken cancellationToken)
    {
        if (previous is not null && previous.Address != lease.Address)
        {
            await Ip(cancellationToken, "addr", "del", previous.Address.ToString(), "dev", _interface);
        }
        await Ip(cancellationToken, "addr", "replace", lease.Address.ToString(), "dev", _interface);
        if (lease.Router is { } router && lease.Address.Contains(router))
        {
            await Ip(cancellationToken, "route", "replace", "default", "via", router.ToString(), "dev", _interface);
        }
    }

    public async Task DeconfigureAsync(DhcpLease lease, CancellationToken cancellationToken)
    {
        // Deleting the address takes the routes through it along.
        await Ip(cancellationToken, "addr", "del", lease.Address.ToString(), "dev", _interface);
    }

    public void Dispose() => _socket.Dispose();

    private async Task Ip(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await IpCommand.RunAsync(["-n", _namespace, .. arguments], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LabException(result.Output);
        }
    }

    private static MacAddress ReadMac(string networkNamespace, string interfaceName)
    {
        var result = IpCommand.RunAsync(["-n", networkNamespace, "-j", "link", "show", "dev", interfaceName]).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new LabException(result.Output);
        }
        using var json = JsonDocument.Parse(result.Output);
        var text = json.RootElement[0].GetProperty("address").GetString();
        return MacAddress.TryParse(text ?? "", out var mac)
            ? mac
            : throw new LabException($"{interfaceName} in '{networkNamespace}' has no Ethernet address ('{text}')");
    }
}

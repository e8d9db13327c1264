using System.Threading.Channels;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using PacketDotNet;
using PacketDotNet.Utils;

namespace Nfv.Lab.Tests;

/// <summary>
/// The built-in client's states (RFC 2131 §4.4) against a server in memory: what it sends, where, and what it does to
/// the host's address, with the retransmission timing shortened.
/// </summary>
public class BuiltinDhcpClientTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:00:00:00:00:42");
    private static readonly BuiltinDhcpClientTimings Fast = new() { FirstRetransmit = TimeSpan.FromMilliseconds(50), LastRetransmit = TimeSpan.FromMilliseconds(200) };
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A server that offers 10.0.0.57 from 10.0.0.1 and acknowledges every request, unless a test says otherwise.</summary>
    private sealed class Server
    {
        public uint LeaseSeconds { get; init; } = 3600;
        public uint? RenewalSeconds { get; init; }
        public uint? RebindingSeconds { get; init; }
        public Func<SentMessage, bool> Ignore { get; set; } = _ => false;
        public Func<SentMessage, bool> Nak { get; set; } = _ => false;

        public byte[]? Answer(SentMessage message)
        {
            if (Ignore(message) || message.Type is DhcpV4MessageType.Release)
            {
                return null;
            }
            if (message.Type == DhcpV4MessageType.Request && Nak(message))
            {
                return ServerReply.Build(6, message.Xid, Mac, "0.0.0.0", "10.0.0.1");
            }
            var extra = new List<(byte, byte[])> { (1, [255, 255, 255, 0]), (3, [10, 0, 0, 1]) };
            if (RenewalSeconds is { } t1)
            {
                extra.Add((58, [0, 0, 0, (byte)t1]));
            }
            if (RebindingSeconds is { } t2)
            {
                extra.Add((59, [0, 0, 0, (byte)t2]));
            }
            byte type = message.Type == DhcpV4MessageType.Discover ? (byte)2 : (byte)5;
            return ServerReply.Build(type, message.Xid, Mac, "10.0.0.57", "10.0.0.1", LeaseSeconds, extra);
        }
    }

    private sealed record SentMessage(DhcpV4MessageType Type, uint Xid, string Destination, string Ciaddr, ushort Flags, Dictionary<byte, byte[]> Options);

    private sealed class MemoryTransport(Server server) : IDhcpClientTransport
    {
        private readonly Channel<byte[]> _inbox = Channel.CreateUnbounded<byte[]>();
        private readonly List<SentMessage> _sent = [];
        private readonly List<string> _host = [];

        public MacAddress Mac => BuiltinDhcpClientTests.Mac;

        public bool Disposed { get; private set; }

        public IReadOnlyList<SentMessage> Sent { get { lock (_sent) { return [.. _sent]; } } }

        /// <summary>What was done to the host: <c>configure 10.0.0.57/24 via 10.0.0.1</c>, <c>deconfigure 10.0.0.57/24</c>.</summary>
        public IReadOnlyList<string> Host { get { lock (_host) { return [.. _host]; } } }

        public ValueTask SendAsync(byte[] message, Ipv4Address destination, CancellationToken cancellationToken)
        {
            var dhcp = new DhcpV4Packet(new ByteArraySegment(message), null);
            var sent = new SentMessage(dhcp.MessageType, dhcp.Xid, destination.ToString(), dhcp.ClientAddress.ToString(), dhcp.Flags,
                dhcp.GetOptions().ToDictionary(o => (byte)o.OptionType, o => o.Data));
            lock (_sent)
            {
                _sent.Add(sent);
            }
            if (server.Answer(sent) is { } reply)
            {
                _inbox.Writer.TryWrite(reply);
            }
            return ValueTask.CompletedTask;
        }

        public string? ResolveServer(Ipv4Address server) => null;

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var datagram = await _inbox.Reader.ReadAsync(cancellationToken);
            datagram.CopyTo(buffer);
            return datagram.Length;
        }

        public Task ConfigureAsync(DhcpLease lease, DhcpLease? previous, CancellationToken cancellationToken)
        {
            lock (_host)
            {
                _host.Add($"configure {lease.Address} via {lease.Router}");
            }
            return Task.CompletedTask;
        }

        public Task DeconfigureAsync(DhcpLease lease, CancellationToken cancellationToken)
        {
            lock (_host)
            {
                _host.Add($"deconfigure {lease.Address}");
            }
            return Task.CompletedTask;
        }

        public void Dispose() => Disposed = true;
    }

    private static (BuiltinDhcpClient Client, MemoryTransport Transport) Start(Server server)
    {
        var transport = new MemoryTransport(server);
        return (new BuiltinDhcpClient("h1", "eth0", transport, timings: Fast), transport);
    }

    private static async Task UntilAsync(Func<bool> condition, BuiltinDhcpClient client)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out; events: {string.Join(' ', client.Events)}\n{client.Output}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Discover_offer_request_ack_binds_the_address_and_route()
    {
        var (client, transport) = Start(new Server());
        await using var _ = client;

        var lease = await client.WaitForLeaseAsync(Wait);

        Assert.Equal("10.0.0.57/24 router 10.0.0.1 lease 3600 s from 10.0.0.1", lease?.ToString());
        Assert.Equal("BOUND", lease!.Reason);
        Assert.Equal(["BOUND"], client.Events);
        Assert.Equal(["configure 10.0.0.57/24 via 10.0.0.1"], transport.Host);
        var (discover, request) = (transport.Sent[0], transport.Sent[1]);
        Assert.Equal((DhcpV4MessageType.Discover, "255.255.255.255", 0x8000), (discover.Type, discover.Destination, discover.Flags));
        Assert.Equal((DhcpV4MessageType.Request, "255.255.255.255", "0.0.0.0"), (request.Type, request.Destination, request.Ciaddr));
        Assert.Equal(ServerReply.Bytes("10.0.0.57"), request.Options[50]);
        Assert.Equal(ServerReply.Bytes("10.0.0.1"), request.Options[54]);
        Assert.Equal("h1"u8.ToArray(), request.Options[12]);
    }

    [Fact]
    public async Task Unanswered_discovers_are_sent_again_in_the_same_transaction()
    {
        var server = new Server();
        int discovers = 0;
        server.Ignore = m => m.Type == DhcpV4MessageType.Discover && ++discovers <= 2;
        var (client, transport) = Start(server);
        await using var _ = client;

        Assert.NotNull(await client.WaitForLeaseAsync(Wait));

        var sent = transport.Sent.Where(m => m.Type == DhcpV4MessageType.Discover).ToList();
        Assert.Equal(3, sent.Count);
        Assert.Single(sent.Select(m => m.Xid).Distinct());
    }

    [Fact]
    public async Task A_nak_to_the_request_starts_over_from_discover()
    {
        var server = new Server();
        int requests = 0;
        server.Nak = _ => ++requests == 1;
        var (client, transport) = Start(server);
        await using var _ = client;

        Assert.NotNull(await client.WaitForLeaseAsync(Wait));

        Assert.Equal(["NAK", "BOUND"], client.Events);
        Assert.Equal([DhcpV4MessageType.Discover, DhcpV4MessageType.Request, DhcpV4MessageType.Discover, DhcpV4MessageType.Request],
            transport.Sent.Select(m => m.Type));
    }

    [Fact]
    public async Task At_t1_it_renews_by_unicast_to_its_server()
    {
        var (client, transport) = Start(new Server { LeaseSeconds = 4, RenewalSeconds = 1, RebindingSeconds = 3 });
        await using var _ = client;

        await UntilAsync(() => client.Lease?.Reason == "RENEW", client);

        var renewal = transport.Sent.Last(m => m.Type == DhcpV4MessageType.Request);
        Assert.Equal(("10.0.0.1", "10.0.0.57", (ushort)0), (renewal.Destination, renewal.Ciaddr, renewal.Flags));
        Assert.False(renewal.Options.ContainsKey(50), "a renewal names its address in ciaddr, not option 50");
        Assert.False(renewal.Options.ContainsKey(54));
        Assert.Equal(["BOUND", "RENEW"], client.Events.Take(2));
    }

    [Fact]
    public async Task When_its_server_is_silent_it_rebinds_by_broadcast_at_t2()
    {
        var server = new Server { LeaseSeconds = 4, RenewalSeconds = 1, RebindingSeconds = 2 };
        server.Ignore = m => m.Destination == "10.0.0.1";
        var (client, transport) = Start(server);
        await using var _ = client;

        await UntilAsync(() => client.Lease?.Reason == "REBIND", client);

        Assert.Contains(transport.Sent, m => m is { Type: DhcpV4MessageType.Request, Destination: "10.0.0.1" });
        var rebind = transport.Sent.Last(m => m.Type == DhcpV4MessageType.Request);
        Assert.Equal(("255.255.255.255", "10.0.0.57"), (rebind.Destination, rebind.Ciaddr));
        Assert.Equal(["BOUND", "REBIND"], client.Events.Take(2));
    }

    [Fact]
    public async Task A_lease_nobody_extends_is_dropped_at_expiry_and_the_client_asks_for_the_same_address_again()
    {
        var server = new Server { LeaseSeconds = 2, RenewalSeconds = 1, RebindingSeconds = 1 };
        var (client, transport) = Start(server);
        await using var _ = client;
        Assert.NotNull(await client.WaitForLeaseAsync(Wait));
        server.Ignore = m => m.Type == DhcpV4MessageType.Request || m.Type == DhcpV4MessageType.Discover;

        await UntilAsync(() => client.Events.Contains("EXPIRE"), client);
        await UntilAsync(() => transport.Sent.Count(m => m.Type == DhcpV4MessageType.Discover) >= 2, client);

        Assert.Null(client.Lease);
        Assert.Equal(["configure 10.0.0.57/24 via 10.0.0.1", "deconfigure 10.0.0.57/24"], transport.Host);
        var again = transport.Sent.Last(m => m.Type == DhcpV4MessageType.Discover);
        Assert.Equal(ServerReply.Bytes("10.0.0.57"), again.Options[50]);
    }

    [Fact]
    public async Task Stopping_releases_the_lease_to_its_server_and_takes_the_address_off()
    {
        var (client, transport) = Start(new Server());
        Assert.NotNull(await client.WaitForLeaseAsync(Wait));

        await client.StopAsync();

        var release = transport.Sent[^1];
        Assert.Equal((DhcpV4MessageType.Release, "10.0.0.1", "10.0.0.57"), (release.Type, release.Destination, release.Ciaddr));
        Assert.Equal(ServerReply.Bytes("10.0.0.1"), release.Options[54]);
        Assert.Equal(["BOUND", "RELEASE"], client.Events);
        Assert.Equal("deconfigure 10.0.0.57/24", transport.Host[^1]);
        Assert.Null(client.Lease);
        Assert.True(client.HasExited);
        Assert.True(transport.Disposed);
    }

    [Fact]
    public async Task Stopping_without_release_sends_nothing_and_leaves_the_address()
    {
        var (client, transport) = Start(new Server());
        Assert.NotNull(await client.WaitForLeaseAsync(Wait));
        int sent = transport.Sent.Count;

        await client.StopAsync(release: false);

        Assert.Equal(sent, transport.Sent.Count);
        Assert.Equal(["BOUND", "STOP"], client.Events);
        Assert.Equal(["configure 10.0.0.57/24 via 10.0.0.1"], transport.Host);
        Assert.True(transport.Disposed);
    }

    [Fact]
    public async Task A_failing_host_ends_the_client_and_says_why()
    {
        var transport = new FailingTransport();
        var client = new BuiltinDhcpClient("h1", "eth0", transport, timings: Fast);
        await using var _ = client;

        Assert.Null(await client.WaitForLeaseAsync(Wait));

        Assert.True(client.HasExited);
        Assert.Contains("ended (the namespace is gone) without a lease", client.NoLeaseMessage(Wait));
    }

    private sealed class FailingTransport : IDhcpClientTransport
    {
        public MacAddress Mac => BuiltinDhcpClientTests.Mac;
        public ValueTask SendAsync(byte[] message, Ipv4Address destination, CancellationToken cancellationToken) =>
            throw new LabException("the namespace is gone");
        public string? ResolveServer(Ipv4Address server) => null;
        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ConfigureAsync(DhcpLease lease, DhcpLease? previous, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task DeconfigureAsync(DhcpLease lease, CancellationToken cancellationToken) => Task.CompletedTask;
        public void Dispose() { }
    }
}

using System.Buffers.Binary;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>Bad input is dropped and counted by reason; nothing escapes, and the lease table stays consistent.</summary>
public sealed class MalformedTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA1);
    private const int Payload = 42; // Ethernet + IPv4 + UDP
    private readonly DhcpHarness _dhcp = new();

    public void Dispose() => _dhcp.Dispose();

    // Rewrites the DHCP payload of a valid DISCOVER and fixes the UDP/IP lengths and checksums, so only the DHCP part is bad.
    private static byte[] WithPayload(Func<byte[], byte[]> change)
    {
        var frame = Client(Discover, A);
        var payload = change(frame[Payload..]);
        return Udp(payload, A, MacAddress.Broadcast, Ipv4Address.Any, new Ipv4Address(uint.MaxValue), 68, 67);
    }

    public static TheoryData<string, DhcpDrop> Cases => new()
    {
        { "short", DhcpDrop.ShortMessage },
        { "oversized", DhcpDrop.Oversized },
        { "reply", DhcpDrop.NotRequest },
        { "no cookie", DhcpDrop.MissingCookie },
        { "token ring", DhcpDrop.BadHardwareAddress },
        { "length past end", DhcpDrop.BadOptionLength },
        { "no message type", DhcpDrop.MissingMessageType },
        { "type length 2", DhcpDrop.MissingMessageType },
        { "type OFFER", DhcpDrop.BadMessageType },
        { "type 99", DhcpDrop.BadMessageType },
        { "requested length 3", DhcpDrop.BadOptionLength },
        { "client id length 1", DhcpDrop.BadClientId },
        { "bad overload", DhcpDrop.BadOverload },
        { "bad option 82", DhcpDrop.BadRelayAgentInfo },
    };

    private static byte[] Mutate(string name, byte[] p) => name switch
    {
        "short" => p[..200],
        "oversized" => [.. p, .. new byte[1500]],
        "reply" => Set(p, 0, 2),
        "no cookie" => Set(p, 236, 0),
        "token ring" => Set(p, 1, 6),
        "length past end" => [.. p[..^1], 55, 40, 1, 3],
        "no message type" => [.. p[..240], 255],
        "type length 2" => [.. p[..240], 53, 2, 1, 1, 255],
        "type OFFER" => [.. p[..240], 53, 1, 2, 255],
        "type 99" => [.. p[..240], 53, 1, 99, 255],
        "requested length 3" => [.. p[..^1], 50, 3, 10, 0, 0, 255],
        "client id length 1" => [.. p[..^1], 61, 1, 7, 255],
        "bad overload" => [.. p[..^1], 52, 1, 9, 255],
        "bad option 82" => [.. p[..^1], 82, 3, 1, 5, 0, 255],
        _ => throw new ArgumentException(name),
    };

    private static byte[] Set(byte[] p, int offset, byte value)
    {
        var copy = (byte[])p.Clone();
        copy[offset] = value;
        return copy;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_message_is_dropped_with_its_reason(string name, DhcpDrop reason)
    {
        Assert.Null(_dhcp.Send(WithPayload(p => Mutate(name, p))));

        _dhcp.Emit.AssertDropped(reason);
        Assert.Empty(_dhcp.Function.Leases.Leases);
    }

    [Fact]
    public void Padding_after_end_and_a_missing_end_are_accepted_as_real_clients_send_them()
    {
        Assert.NotNull(_dhcp.Send(WithPayload(p => [.. p, .. new byte[300]])));
        Assert.NotNull(_dhcp.Send(WithPayload(p => p[..^1])));
    }

    [Fact]
    public void Options_split_in_several_instances_are_joined()
    {
        // RFC 3396: the parameter request list in two pieces: [1] and [3].
        var offer = _dhcp.Send(WithPayload(p => [.. p[..^1], 55, 1, 1, 55, 1, 3, 255]))!;

        Assert.Equal([1, 3, 51, 53, 54, 58, 59], offer.Options.Keys.Order().ToArray());
    }

    [Fact]
    public void Options_in_the_file_field_are_read_when_overloaded()
    {
        var offer = _dhcp.Send(WithPayload(p =>
        {
            var copy = (byte[])p.Clone();
            byte[] inFile = [55, 1, 3, 255];
            inFile.CopyTo(copy, 108);
            return [.. copy[..^1], 52, 1, 1, 255];
        }))!;

        Assert.Equal([1, 3, 51, 53, 54, 58, 59], offer.Options.Keys.Order().ToArray());
    }

    [Fact]
    public void Bad_ip_and_udp_are_dropped_by_reason()
    {
        var frame = Client(Discover, A);
        frame[24] ^= 0xFF; // IP header checksum
        Assert.Null(_dhcp.Send(frame));
        _dhcp.Emit.AssertDropped(DhcpDrop.BadChecksum);

        frame = Client(Discover, A);
        frame[Payload + 10] ^= 0xFF; // a byte under the UDP checksum
        Assert.Null(_dhcp.Send(frame));
        _dhcp.Emit.AssertDropped(DhcpDrop.BadUdpChecksum);

        frame = Client(Discover, A);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(38), 4000); // UDP length beyond the datagram
        Assert.Null(_dhcp.Send(frame));
        _dhcp.Emit.AssertDropped(DhcpDrop.Truncated);

        frame = Client(Discover, A);
        Assert.Null(_dhcp.Send(frame[..30]));
        _dhcp.Emit.AssertDropped(DhcpDrop.Truncated);

        Assert.Null(_dhcp.Send(Client(Discover, A, ethernetDestination: FrameBuilder.Mac(0x99))));
        _dhcp.Emit.AssertDropped(DhcpDrop.OtherHost);

        Assert.Null(_dhcp.Send(Client(Discover, A, ipDestination: Ipv4Address.Parse("10.0.0.77"))));
        _dhcp.Emit.AssertDropped(DhcpDrop.NotForUs);
    }

    [Fact]
    public void Thousands_of_mutated_messages_never_escape_and_leave_the_table_consistent()
    {
        var random = new Random(20261128);
        var seeds = new List<byte[]>
        {
            Client(Discover, A, options: [Opt(55, 1, 3, 6, 15, 121), Opt(61, 1, 2, 3), Opt(12, (byte)'h')]),
            Client(Request, A, options: [Address(50, "10.0.0.100"), Address(54, "10.0.0.2"), Opt(57, 2, 64)]),
            Client(Request, A, ciaddr: Ipv4Address.Parse("10.0.0.101"), broadcast: true),
            Client(Release, A, ciaddr: Ipv4Address.Parse("10.0.0.100")),
            Client(Decline, A, options: [Address(50, "10.0.0.100")]),
            Client(Inform, A, ciaddr: Ipv4Address.Parse("10.0.0.50")),
            Client(Discover, A, giaddr: Ipv4Address.Parse("10.9.0.1"), options: [Opt(82, 1, 2, 0xAB, 0xCD)]),
        };
        int answered = 0;
        for (int i = 0; i < 5000; i++)
        {
            var payload = seeds[random.Next(seeds.Count)][Payload..];
            int flips = random.Next(1, 8);
            for (int f = 0; f < flips; f++)
            {
                payload[random.Next(payload.Length)] = (byte)random.Next(256);
            }
            if (random.Next(4) == 0)
            {
                payload = payload[..random.Next(payload.Length)];
            }
            // Valid UDP and IP around it, so the DHCP parser and the server logic are what is exercised.
            var frame = Udp(payload, FrameBuilder.Mac(random.Next(1, 64)), MacAddress.Broadcast, Ipv4Address.Any,
                new Ipv4Address(uint.MaxValue), 68, 67);
            _dhcp.Emit.Send(_dhcp.Function, 0, frame); // asserts the packet ended in exactly one send or drop
            foreach (var sent in _dhcp.Emit.Sent)
            {
                var reply = Decode(sent.Frame); // whatever was sent is a well-formed DHCP reply
                Assert.Contains(reply.Type, new byte[] { 2, 5, 6 });
                answered++;
            }
            if (i % 500 == 0)
            {
                _dhcp.Advance(TimeSpan.FromSeconds(2));
            }
        }

        Assert.True(answered > 100, $"only {answered} mutated messages were still valid enough to answer");
        var leases = _dhcp.Function.Leases.Leases.ToList();
        Assert.Equal(leases.Count, leases.Select(l => l.Address).Distinct().Count());
        var owned = leases.Where(l => l.ClientKey.Length != 0 && l.State is LeaseState.Bound or LeaseState.Offered).ToList();
        Assert.Equal(owned.Count, owned.Select(l => l.ClientKey).Distinct().Count());
        foreach (var lease in owned)
        {
            Assert.Same(lease, _dhcp.Function.Leases.ByClient(lease.ClientKey));
        }
    }
}

using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

/// <summary>
/// A router with two interfaces on a fake clock: lan (port 0) 10.0.0.1/24 and wan (port 1) 192.0.2.1/24, MTU 1500
/// unless given; hosts: H1 10.0.0.10 on lan, H2 192.0.2.20 on wan.
/// </summary>
internal sealed class RouterHarness
{
    public static readonly MacAddress H1Mac = FrameBuilder.Mac(0x10);
    public static readonly MacAddress H2Mac = FrameBuilder.Mac(0x20);
    public const string H1 = "10.0.0.10";
    public const string H2 = "192.0.2.20";
    public const int Lan = 0;
    public const int Wan = 1;

    /// <param name="options">The router's options; <see cref="Default"/> when null.</param>
    /// <param name="features">Per interface, its features.</param>
    /// <param name="poolSize">Packets in the pool.</param>
    /// <param name="arpShare">For a router run per worker: what its instances learned by ARP, shared with another harness's.</param>
    public RouterHarness(RouterOptions? options = null, IReadOnlyList<IReadOnlyList<IIpv4Feature>?>? features = null, int poolSize = 64,
        NeighbourShare<Ipv4Address>? arpShare = null)
    {
        Options = options ?? Default();
        Emit = new RecordingEmitter(new PacketPool(poolSize));
        Router = new RouterFunction("gw", Options, null, Time, null, features) { ArpShare = arpShare };
    }

    public static RouterOptions Default(int wanMtu = 1500, IReadOnlyList<StaticRoute>? routes = null) => new()
    {
        Interfaces =
        [
            new RouterInterface { Name = "lan", Addresses = [Ipv4Prefix.Parse("10.0.0.1/24")] },
            new RouterInterface { Name = "wan", Addresses = [Ipv4Prefix.Parse("192.0.2.1/24")], Mtu = wanMtu },
        ],
        Routes = routes ?? [],
    };

    public RouterOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public RecordingEmitter Emit { get; }

    public RouterFunction Router { get; }

    public EventCounters<RouterEvent> Counters => Router.Counters;

    public MacAddress LanMac => Router.InterfaceMac(Lan);

    public MacAddress WanMac => Router.InterfaceMac(Wan);

    public void Send(int port, byte[] frame, VirtioNetHeader offload = default) => Emit.Send(Router, port, frame, offload);

    public void Tick(TimeSpan advance)
    {
        Time.Advance(advance);
        Emit.Clear();
        Router.OnTimer(Emit);
    }

    /// <summary>Teaches the router where a host is: it answers the router's ARP request (a reply to the router).</summary>
    public void Teach(int port, MacAddress mac, string ip)
    {
        var routerMac = Router.InterfaceMac(port);
        string routerIp = port == Lan ? "10.0.0.1" : "192.0.2.1";
        // A request to the router creates the entry (RFC 826: the target is us).
        Send(port, IpPackets.Arp(1, MacAddress.Broadcast, mac, ip, default, routerIp));
        Emit.Clear();
        _ = routerMac;
    }

    /// <summary>An IPv4 frame from H1 to the router's lan MAC.</summary>
    public byte[] FromH1(string dst, byte protocol, byte[] l4, byte ttl = 64, bool df = false, ushort fragmentWord = 0) =>
        IpPackets.Ip(LanMac, H1Mac, H1, dst, protocol, l4, ttl, df, fragmentWord: fragmentWord);
}

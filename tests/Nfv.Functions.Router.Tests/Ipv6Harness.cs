using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Router.Tests;

/// <summary>
/// A dual-stack router on a fake clock: lan (port 0) 10.0.0.1/24 and 2001:db8:1::1/64 with router advertisements, wan
/// (port 1) 192.0.2.1/24 and 2001:db8:2::1/64, MTU 1280 unless given, and port 2 (v4only) 198.51.100.1/24 without IPv6.
/// Hosts: H1 2001:db8:1::10 on lan, H2 2001:db8:2::20 on wan; a route 2001:db8:99::/48 via H2.
/// </summary>
internal sealed class Ipv6Harness
{
    public static readonly MacAddress H1Mac = FrameBuilder.Mac(0x10);
    public static readonly MacAddress H2Mac = FrameBuilder.Mac(0x20);
    public const string H1 = "2001:db8:1::10";
    public const string H2 = "2001:db8:2::20";
    public const string LanAddress = "2001:db8:1::1";
    public const string WanAddress = "2001:db8:2::1";
    public const int Lan = 0;
    public const int Wan = 1;
    public const int V4Only = 2;

    /// <param name="options">The router's options; <see cref="Default"/> when null.</param>
    /// <param name="poolSize">Packets in the pool.</param>
    /// <param name="neighbourShare">For a router run per worker: what its instances learned by neighbour discovery, shared with another harness's.</param>
    /// <param name="instance">For a router run per worker: which instance of two this is.</param>
    public Ipv6Harness(RouterOptions? options = null, int poolSize = 64, NeighbourShare<Ipv6Address>? neighbourShare = null, int instance = 0)
    {
        Options = options ?? Default();
        Emit = new RecordingEmitter(new PacketPool(poolSize));
        Router = new RouterFunction("gw", Options, null, Time)
        {
            NeighbourShare = neighbourShare, Instance = instance, InstanceCount = neighbourShare is null ? 1 : 2,
        };
    }

    public static RouterOptions Default(int wanMtu = 1280) => new()
    {
        Interfaces =
        [
            new RouterInterface
            {
                Name = "lan", Addresses = [Ipv4Prefix.Parse("10.0.0.1/24")], Ipv6Addresses = [Ipv6Prefix.Parse(LanAddress + "/64")],
                Mac = RouterInterface.DefaultMac("gw", "lan"), Advertisements = new RouterAdvertisements(),
            },
            new RouterInterface
            {
                Name = "wan", Addresses = [Ipv4Prefix.Parse("192.0.2.1/24")], Ipv6Addresses = [Ipv6Prefix.Parse(WanAddress + "/64")],
                Mac = RouterInterface.DefaultMac("gw", "wan"), Mtu = wanMtu,
            },
            new RouterInterface { Name = "v4only", Addresses = [Ipv4Prefix.Parse("198.51.100.1/24")], Mac = RouterInterface.DefaultMac("gw", "v4only") },
        ],
        Ipv6Routes = [new Ipv6StaticRoute { Prefix = Ipv6Prefix.Parse("2001:db8:99::/48"), Via = Ipv6Address.Parse(H2) }],
    };

    public RouterOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public RecordingEmitter Emit { get; }

    public RouterFunction Router { get; }

    public EventCounters<RouterEvent> Counters => Router.Counters;

    public MacAddress LanMac => Router.InterfaceMac(Lan);

    public MacAddress WanMac => Router.InterfaceMac(Wan);

    public string LanLinkLocal => Router.InterfaceLinkLocal(Lan)!.Value.ToString();

    public void Send(int port, byte[] frame, VirtioNetHeader offload = default) => Emit.Send(Router, port, frame, offload);

    public void Tick(TimeSpan advance)
    {
        Time.Advance(advance);
        Emit.Clear();
        Router.OnTimer(Emit);
    }

    /// <summary>Lets duplicate address detection finish: its solicitations go out, and a second later it is over.</summary>
    public void SettleAddresses()
    {
        Tick(TimeSpan.Zero);
        Tick(TimeSpan.FromSeconds(2));
        Emit.Clear();
    }

    /// <summary>Teaches the router where a host is: the host solicits the router's address with its own link-layer address.</summary>
    public void Teach(int port, MacAddress mac, string ip)
    {
        string routerIp = port == Lan ? LanAddress : WanAddress;
        Send(port, Ipv6Packets.Ip(Ipv6Packets.GroupMac(Ipv6Packets.SolicitedNode(routerIp)), mac, ip, Ipv6Packets.SolicitedNode(routerIp),
            Ipv6Packets.Icmpv6, Ipv6Packets.NeighbourSolicitation(routerIp, mac), hopLimit: 255));
        Emit.Clear();
    }

    /// <summary>An IPv6 frame from H1 to the router's lan MAC.</summary>
    public byte[] FromH1(string dst, byte nextHeader, byte[] payload, byte hopLimit = 64) =>
        Ipv6Packets.Ip(LanMac, H1Mac, H1, dst, nextHeader, payload, hopLimit);

    /// <summary>A ready router: addresses settled, H1 and H2 known.</summary>
    public static Ipv6Harness Ready(RouterOptions? options = null)
    {
        var h = new Ipv6Harness(options);
        h.SettleAddresses();
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        return h;
    }
}

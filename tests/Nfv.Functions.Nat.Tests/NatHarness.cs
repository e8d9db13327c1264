using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Functions.Router;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Nat.Tests;

/// <summary>
/// A router with a NAT on its wan interface, on a fake clock, in memory. lan (port 0) 10.0.0.1/24 with inside hosts
/// H1 10.0.0.10 and H2 10.0.0.11; wan (port 1) 192.0.2.1/24 (and 192.0.2.2/24) with outside hosts R1 192.0.2.20 and
/// R2 192.0.2.30. The external address is 192.0.2.1 unless the options say otherwise.
/// </summary>
internal sealed class NatHarness
{
    public const int Lan = 0;
    public const int Wan = 1;
    public const string H1 = "10.0.0.10";
    public const string H2 = "10.0.0.11";
    public const string R1 = "192.0.2.20";
    public const string R2 = "192.0.2.30";
    public const string External = "192.0.2.1";
    public const string External2 = "192.0.2.2";
    public static readonly MacAddress H1Mac = FrameBuilder.Mac(0x10);
    public static readonly MacAddress H2Mac = FrameBuilder.Mac(0x11);
    public static readonly MacAddress R1Mac = FrameBuilder.Mac(0x20);
    public static readonly MacAddress R2Mac = FrameBuilder.Mac(0x30);

    /// <param name="options">The NAT's options; the defaults when null.</param>
    /// <param name="poolSize">Packets in the pool.</param>
    /// <param name="besideNat">Makes a feature listed after the NAT on wan (a firewall) on the harness's clock; null for none.</param>
    /// <param name="instance">Which instance the router and its NAT are, of <paramref name="instanceCount"/> run per worker.</param>
    /// <param name="instanceCount">How many instances run (1: the router and the NAT run once).</param>
    /// <param name="fragmentOwners">Shared by the instances run per worker: which owns each fragmented datagram.</param>
    /// <param name="sessionBounds">Shared by the instances run per worker: the sessions they hold together.</param>
    public NatHarness(NatOptions? options = null, int poolSize = 64, Func<TimeProvider, IIpv4Feature>? besideNat = null, int instance = 0,
        int instanceCount = 1, NatFragmentOwners? fragmentOwners = null, NatSessionBounds? sessionBounds = null)
    {
        Nat = new NatFunction("masq", options ?? new NatOptions(), Time, null, instance, instanceCount)
        {
            FragmentOwners = fragmentOwners,
            SessionBounds = sessionBounds,
        };
        Beside = besideNat?.Invoke(Time);
        var routerOptions = new RouterOptions
        {
            Interfaces =
            [
                new RouterInterface { Name = "lan", Addresses = [Ipv4Prefix.Parse("10.0.0.1/24")] },
                new RouterInterface { Name = "wan", Addresses = [Ipv4Prefix.Parse("192.0.2.1/24"), Ipv4Prefix.Parse("192.0.2.2/24")] },
            ],
        };
        Emit = new RecordingEmitter(new PacketPool(poolSize));
        Router = new RouterFunction("gw", routerOptions, null, Time, null, [null, Beside is null ? [Nat] : [Nat, Beside]])
        {
            Instance = instance,
            InstanceCount = instanceCount,
        };
        TeachAll();
    }

    private void TeachAll()
    {
        Teach(Lan, H1Mac, H1, "10.0.0.1");
        Teach(Lan, H2Mac, H2, "10.0.0.1");
        Teach(Wan, R1Mac, R1, External);
        Teach(Wan, R2Mac, R2, External);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public NatFunction Nat { get; }

    /// <summary>The feature after the NAT on wan, if any.</summary>
    public IIpv4Feature? Beside { get; }

    public RouterFunction Router { get; }

    public RecordingEmitter Emit { get; }

    public EventCounters<NatEvent> Counters => Nat.Counters;

    public EventCounters<NatDrop> Drops => Nat.Drops;

    public MacAddress LanMac => Router.InterfaceMac(Lan);

    public MacAddress WanMac => Router.InterfaceMac(Wan);

    public static MacAddress MacOf(string host) => host switch
    {
        H1 => H1Mac,
        H2 => H2Mac,
        R1 => R1Mac,
        _ => R2Mac,
    };

    /// <summary>Sends a datagram from an inside host; returns the frame the router sent (anywhere), or null.</summary>
    public byte[]? FromInside(string src, string dst, byte protocol, byte[] l4, VirtioNetHeader offload = default, ushort fragmentWord = 0,
        ushort id = 0x1234, bool checksum = true) =>
        Send(Lan, Frame(LanMac, MacOf(src), src, dst, protocol, l4, fragmentWord, id, checksum), offload);

    /// <summary>Sends a datagram from an outside host; returns the frame the router sent (anywhere), or null.</summary>
    public byte[]? FromOutside(string src, string dst, byte protocol, byte[] l4, VirtioNetHeader offload = default, ushort fragmentWord = 0,
        ushort id = 0x1234, bool checksum = true) =>
        Send(Wan, Frame(WanMac, MacOf(src), src, dst, protocol, l4, fragmentWord, id, checksum), offload);

    /// <summary>An IPv4 frame whose TCP, UDP or ICMP checksum is right (unless <paramref name="checksum"/> is false or it is a later fragment).</summary>
    public static byte[] Frame(MacAddress dstMac, MacAddress srcMac, string src, string dst, byte protocol, byte[] l4, ushort fragmentWord = 0,
        ushort id = 0x1234, bool checksum = true)
    {
        var frame = IpPackets.Ip(dstMac, srcMac, src, dst, protocol, l4, fragmentWord: fragmentWord, id: id);
        return checksum && fragmentWord == 0 && protocol != Ipv4Header.ProtocolIcmp ? IpPackets.WithL4Checksum(frame) : frame;
    }

    /// <summary>Sends a frame; returns the one frame sent out (asserting at most one), or null when nothing left.</summary>
    public byte[]? Send(int port, byte[] frame, VirtioNetHeader offload = default)
    {
        Emit.Clear();
        Emit.Send(Router, port, frame, offload);
        Assert.True(Emit.Sent.Count <= 1, $"expected at most one frame out, got {Emit.Sent.Count}");
        return Emit.Sent.Count == 1 ? Emit.Sent[0].Frame : null;
    }

    /// <summary>True when <paramref name="frame"/> (what a Send returned) went out of lan to <paramref name="host"/>.</summary>
    public bool ReachedInside(byte[]? frame, string host) =>
        frame is not null && Emit.Sent[0].Port == Lan && IpPackets.Dst(frame) == host && EthernetHeader.Destination(frame) == MacOf(host);

    /// <summary>The port the last frame left by.</summary>
    public int LastPort => Assert.Single(Emit.Sent).Port;

    /// <summary>Moves the clock and runs both timers, as the worker does.</summary>
    /// <remarks>The hosts then answer the router's ARP again, so only the NAT decides what gets through.</remarks>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Emit.Clear();
        Router.OnTimer(Emit);
        Nat.OnTimer(Emit);
        (Beside as INetworkFunction)?.OnTimer(Emit);
        TeachAll();
    }

    /// <summary>Runs the NAT's timer until its sweep has seen every slot.</summary>
    public void SweepAll()
    {
        for (int i = 0; i <= Nat.Options.MaxSessions / 1024 + 1; i++)
        {
            Nat.OnTimer(Emit);
        }
    }

    private void Teach(int port, MacAddress mac, string ip, string routerIp)
    {
        Emit.Send(Router, port, IpPackets.Arp(1, MacAddress.Broadcast, mac, ip, default, routerIp));
        Emit.Clear();
    }

    // What a receiver checks: addresses, ports and every checksum.

    public static ushort SrcPort(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(frame));

    public static ushort DstPort(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(frame)[2..]);

    public static ushort IcmpId(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(IpPackets.L4(frame)[4..]);

    /// <summary>True when the IPv4 header checksum and the L4 checksum (with pseudo-header for TCP and UDP) are right.</summary>
    public static bool ChecksumsOk(byte[] frame)
    {
        if (!IpPackets.IpChecksumOk(frame))
        {
            return false;
        }
        var ip = frame.AsSpan(14);
        int ihl = IpPackets.Ihl(frame);
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        byte protocol = ip[9];
        var l4 = ip[ihl..total];
        if (protocol == Ipv4Header.ProtocolIcmp)
        {
            return IpPackets.ChecksumOk(l4);
        }
        if (protocol == Ipv4Header.ProtocolUdp && BinaryPrimitives.ReadUInt16BigEndian(l4[6..]) == 0)
        {
            return false; // the harness always sends UDP with a checksum: 0 here means it was lost
        }
        var pseudo = new byte[12 + l4.Length];
        ip.Slice(12, 8).CopyTo(pseudo);
        pseudo[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)l4.Length);
        l4.CopyTo(pseudo.AsSpan(12));
        return IpPackets.ChecksumOk(pseudo);
    }
}

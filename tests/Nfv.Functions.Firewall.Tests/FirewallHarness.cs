using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Firewall.Tests;

/// <summary>
/// A firewall from its YAML, on a fake clock, with frames between an inside host (10.0.0.1) and an outside one
/// (192.0.2.1), as the unit tests send them.
/// </summary>
internal sealed class FirewallHarness
{
    public const int Inside = 0, Outside = 1;
    public const byte Syn = 0x02, Ack = 0x10, SynAck = 0x12, Fin = 0x11, Rst = 0x04;
    public const string InsideHost = "10.0.0.1", OutsideHost = "192.0.2.1";
    public static readonly MacAddress InsideMac = FrameBuilder.Mac(1), OutsideMac = FrameBuilder.Mac(2);

    public FirewallHarness(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new FirewallFunctionFactory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        Function = (FirewallFunction)blueprint.Build(new FunctionBuildContext("fw", [true, true], Time, NullLoggerFactory.Instance));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public FirewallFunction Function { get; }

    public RecordingEmitter Emit { get; } = new();

    /// <summary>Sends one frame into <paramref name="port"/>; returns the port it left by, or null when dropped.</summary>
    public int? Send(int port, byte[] frame)
    {
        Emit.Send(Function, port, frame);
        return Emit.Sent.Count == 1 ? Emit.Sent[0].Port : null;
    }

    /// <summary>The drop reason of the last frame sent.</summary>
    public FirewallDrop LastDrop => (FirewallDrop)Assert.Single(Emit.Dropped).Reason;

    public static byte[] Tcp(int from, byte flags, ushort insidePort = 40000, ushort outsidePort = 80) => from == Inside
        ? IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 6, IpPackets.Tcp(0, insidePort, outsidePort, flags))
        : IpPackets.Ip(InsideMac, OutsideMac, OutsideHost, InsideHost, 6, IpPackets.Tcp(0, outsidePort, insidePort, flags));

    public static byte[] Udp(int from, ushort insidePort = 40000, ushort outsidePort = 53) => from == Inside
        ? IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 17, IpPackets.Udp(insidePort, outsidePort))
        : IpPackets.Ip(InsideMac, OutsideMac, OutsideHost, InsideHost, 17, IpPackets.Udp(outsidePort, insidePort));

    public static byte[] Echo(int from, byte type = 8, ushort id = 7) => from == Inside
        ? IpPackets.Ip(OutsideMac, InsideMac, InsideHost, OutsideHost, 1, IcmpEcho(type, id))
        : IpPackets.Ip(InsideMac, OutsideMac, OutsideHost, InsideHost, 1, IcmpEcho(type, id));

    /// <summary>An ICMP error from the outside host quoting <paramref name="quoted"/> (a frame the inside host sent).</summary>
    public static byte[] ErrorQuoting(byte[] quoted, byte type = 3, byte code = 3)
    {
        var ip = quoted.AsSpan(14);
        int ihl = (ip[0] & 0xF) * 4;
        var icmp = new byte[8 + ihl + 8];
        icmp[0] = type;
        icmp[1] = code;
        ip[..(ihl + 8)].CopyTo(icmp.AsSpan(8));
        return IpPackets.Ip(InsideMac, OutsideMac, OutsideHost, InsideHost, 1, icmp);
    }

    private static byte[] IcmpEcho(byte type, ushort id)
    {
        var icmp = IpPackets.EchoRequest(id);
        icmp[0] = type;
        return icmp;
    }
}

using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>
/// A DHCP server on a fake clock, configured as a topology file would: server 10.0.0.2/24, pool
/// 10.0.0.100-10.0.0.109, router 10.0.0.1, DNS 10.0.0.1 and 10.0.0.53, domain lab.test, lease 1h; a relayed subnet
/// 10.9.0.0/24 (pool 10.9.0.50-10.9.0.59, router 10.9.0.1); MAC 02:00:00:00:00:77 reserved 10.0.0.7 and client id
/// 01:02:03 reserved 10.0.0.8.
/// </summary>
internal sealed class DhcpHarness : IDisposable
{
    public const string DefaultConfig = """
        dhcp:
          kind: dhcp
          address: 10.0.0.2/24
          pool: 10.0.0.100-10.0.0.109
          router: 10.0.0.1
          dns: [10.0.0.1, 10.0.0.53]
          domain: lab.test
          lease: 1h
          reservations:
            - { mac: "02:00:00:00:00:77", address: 10.0.0.7 }
            - { client-id: "01:02:03", address: 10.0.0.8 }
          subnets:
            - { prefix: 10.9.0.0/24, pool: 10.9.0.50-10.9.0.59, router: 10.9.0.1 }
        """;

    public static readonly Ipv4Address Server = Ipv4Address.Parse("10.0.0.2");

    public DhcpHarness(string config = DefaultConfig, string? stateDirectory = null, FakeTimeProvider? time = null, LeaseFile? leaseFile = null,
        int packets = 64)
    {
        Emit = new RecordingEmitter(new PacketPool(packets));
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Blueprint = Define(config);
        var context = new FunctionBuildContext("dhcp", [true], Time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
        {
            StateDirectory = stateDirectory,
        };
        Function = leaseFile is null
            ? (DhcpFunction)Blueprint.Build(context)
            : new DhcpFunction("dhcp", Blueprint.Options, Time, leaseFile: leaseFile, restored: []);
    }

    public FakeTimeProvider Time { get; }

    public DhcpBlueprint Blueprint { get; }

    public DhcpFunction Function { get; }

    public RecordingEmitter Emit { get; }

    public MacAddress ServerMac => Blueprint.Options.Mac;

    public EventCounters<DhcpEvent> Counters => Function.Counters;

    public static DhcpBlueprint Define(string config)
    {
        var diagnostics = new Nfv.Abstractions.Configuration.DiagnosticBag();
        var blueprint = new DhcpFunctionFactory().Define(new FunctionDefinitionContext("dhcp", FunctionConfig.ParseFunction(config), diagnostics));
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return Assert.IsType<DhcpBlueprint>(blueprint);
    }

    /// <summary>Sends a frame; returns the decoded reply, or null when the server sent nothing.</summary>
    public Reply? Send(byte[] frame)
    {
        Emit.Send(Function, 0, frame);
        AwaitDisk(Function, Emit);
        if (Emit.Sent.Count == 0)
        {
            return null;
        }
        var sent = Assert.Single(Emit.Sent);
        Assert.Equal(0, sent.Port);
        return DhcpFrames.Decode(sent.Frame);
    }

    /// <summary>DISCOVER then REQUEST for what was offered; returns the ACK.</summary>
    public Reply Lease(MacAddress mac, params (byte, byte[])[] options)
    {
        var offer = Send(DhcpFrames.Client(DhcpFrames.Discover, mac, options: options));
        Assert.NotNull(offer);
        Assert.Equal(2, offer.Type);
        var ack = Send(DhcpFrames.Client(DhcpFrames.Request, mac, options:
            [.. options, DhcpFrames.Address(50, offer.Yiaddr), DhcpFrames.Address(54, Server.ToString())]));
        Assert.NotNull(ack);
        Assert.Equal(5, ack.Type);
        return ack;
    }

    /// <summary>Moves the clock and runs the timer (expiry sweeps run once per second of clock).</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Emit.Clear();
        Function.OnTimer(Emit);
    }

    /// <summary>
    /// Gives <paramref name="function"/> its timer calls until no ACK waits for the lease file's writer (a flush takes a
    /// fraction of a millisecond): what the worker does on the wake-ups the server asks for.
    /// </summary>
    public static void AwaitDisk(DhcpFunction function, Emitter emit)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (function.AcksWaitingForDisk > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{function.AcksWaitingForDisk} ACKs still wait for the disk after 10 s");
            Thread.Sleep(1);
            function.OnTimer(emit);
        }
    }

    public void Dispose() => Function.Dispose();
}

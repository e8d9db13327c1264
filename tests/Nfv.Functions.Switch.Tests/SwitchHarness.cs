using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Testing;

namespace Nfv.Functions.Switch.Tests;

/// <summary>A switch on a fake clock, with a recording emitter: send a frame into a port, look at what came out.</summary>
internal sealed class SwitchHarness
{
    public static readonly MacAddress A = FrameBuilder.Mac(0xA);
    public static readonly MacAddress B = FrameBuilder.Mac(0xB);
    public static readonly MacAddress C = FrameBuilder.Mac(0xC);
    public static readonly MacAddress Broadcast = MacAddress.Broadcast;
    public static readonly MacAddress Multicast = MacAddress.Parse("01:00:5e:00:00:fb");

    public SwitchHarness(params SwitchPort[] ports)
        : this(new SwitchOptions { Ports = ports })
    {
    }

    public SwitchHarness(SwitchOptions options, IReadOnlyList<bool>? connected = null)
        : this(options, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), share: null, connected)
    {
    }

    /// <summary>One instance of a switch run per worker: the clock and the share are those of its fellow instances.</summary>
    public SwitchHarness(SwitchOptions options, FakeTimeProvider time, MacShare? share, IReadOnlyList<bool>? connected = null)
    {
        Time = time;
        Switch = new SwitchFunction("lan", options, connected, Time) { Share = share };
    }

    public FakeTimeProvider Time { get; }

    public RecordingEmitter Emit { get; } = new();

    public SwitchFunction Switch { get; }

    public EventCounters<SwitchEvent> Counters => Switch.Counters;

    /// <summary>Clears the record and sends one frame into <paramref name="port"/>.</summary>
    public void Send(int port, byte[] frame, VirtioNetHeader offload = default) => Emit.Send(Switch, port, frame, offload);

    /// <summary>Has <paramref name="mac"/> speak on <paramref name="port"/> (a broadcast in the port's untagged VLAN), then clears the record.</summary>
    public void Announce(int port, MacAddress mac)
    {
        Send(port, FrameBuilder.Ethernet(Broadcast, mac));
        Emit.Clear();
    }

    public static SwitchPort[] AccessPorts(int count, int vlan = 1)
    {
        var ports = new SwitchPort[count];
        for (int i = 0; i < count; i++)
        {
            ports[i] = SwitchPort.Access($"p{i}", vlan);
        }
        return ports;
    }
}

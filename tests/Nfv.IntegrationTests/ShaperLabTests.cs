using Nfv.Abstractions.Headers;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13, proof 3 (the shaper's half): a burst of UDP frames sent into a 10 Mbit/s shaper as fast as the sender
/// can, captured where it arrives: every frame arrives, spread over the time the rate allows, never faster.
/// </summary>
public class ShaperLabTests
{
    private const string Sender = "10.77.18.1", Receiver = "10.77.18.2";
    private const int Frames = 400;

    [PrivilegedFact(Needs = "dumpcap")]
    public async Task A_udp_burst_leaves_the_shaper_spread_at_its_rate_without_a_loss()
    {
        await using var lab = new Lab();
        string sender = lab.Host("snd"), receiver = lab.Host("rcv");
        using var nfv = await lab.RunAsync(lab.WriteTopology("shape.yaml", $$"""
            functions:
              shape: { kind: shaper, direction: outbound, rate: 10mbit, queue: 1000 }
            ports:
              p1: { tap: {{lab.Tap("p1")}} }
              p2: { tap: {{lab.Tap("p2")}} }
            links:
              - [p1, shape.inside]
              - [shape.outside, p2]
            hosts:
              {{sender}}: { port: p1, address: {{Sender}}/24 }
              {{receiver}}: { port: p2, address: {{Receiver}}/24 }
            """));
        await Ping.AssertReachesAsync(sender, Receiver);

        // Capture on the receiver's side, then send 400 frames of 1442 bytes (577 kB: 0.46 s at 10 Mbit/s) in a few ms.
        string capture = Path.Combine(lab.Directory, "arrivals.pcap");
        var dumpcap = LabProcess.Start(lab, receiver, "dumpcap", "-q", "-i", "eth0", "-P", "-w", capture, "-f", "udp dst port 9");
        await Eventually.UntilAsync(() => File.Exists(capture), "dumpcap to start", TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        var senderMac = await MacAsync(sender);
        var receiverMac = await MacAsync(receiver);
        var frames = Enumerable.Range(0, Frames)
            .Select(i => IpPackets.WithL4Checksum(IpPackets.Ip(receiverMac, senderMac, Sender, Receiver, 17, IpPackets.Udp((ushort)(5000 + i), 9, 1400))))
            .ToList();
        Assert.Equal(Frames, RawFrames.Send(sender, frames, perSecond: 1_000_000, limit: TimeSpan.FromSeconds(5)));
        await Task.Delay(1500); // the queue drains in about 0.46 s
        await dumpcap.DisposeAsync(); // SIGTERM: dumpcap writes what it has and exits

        var arrivals = PcapFile.Read(capture).Select(r => r.Time).Order().ToList();
        Assert.Equal(Frames, arrivals.Count); // queued, not dropped
        double spread = (arrivals[^1] - arrivals[0]).TotalSeconds;
        double expected = (Frames - 2) * 1442 * 8 / 10e6; // after the default burst of two frames
        Assert.True(Math.Abs(spread - expected) <= expected * 0.10, $"the burst arrived over {spread:F3} s; 10 Mbit/s takes {expected:F3} s");
        // Never faster than the rate: at most 10 Mbit/s in any 50 ms (43 frames), plus the two-frame burst, the frame the
        // bucket may owe and one for the capture's timestamps. Three runs: the burst arrived over 0.459-0.460 s (0.459
        // expected), at most 45-46 frames in 50 ms.
        int densest = arrivals.Select((t, i) => arrivals.Skip(i).TakeWhile(u => u - t < TimeSpan.FromMilliseconds(50)).Count()).Max();
        Assert.True(densest <= 48, $"{densest} frames arrived within 50 ms: faster than 10 Mbit/s");
    }

    private static async Task<MacAddress> MacAsync(string host) =>
        MacAddress.Parse((await Shell.InNamespaceAsync(host, TimeSpan.FromSeconds(5), "cat", "/sys/class/net/eth0/address")).StandardOutput.Trim());
}

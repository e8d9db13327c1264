using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Testing;

namespace Nfv.Functions.Policer.Tests;

/// <summary>Token buckets per class and direction: what conforms, what is dropped or re-marked, and over time the rate.</summary>
public class PolicerTests
{
    private const int Inside = 0, Outside = 1;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingEmitter _emit = new();

    private PolicerFunction Build(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new PolicerFunctionFactory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (PolicerFunction)blueprint.Build(new FunctionBuildContext("police", [true, true], _time, NullLoggerFactory.Instance));
    }

    // A 1000-byte frame (IPv4 UDP) with DSCP dscp, from inside (or outside).
    private static byte[] Frame(int dscp = 0, int from = Inside, int length = 1000)
    {
        var frame = from == Inside
            ? IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 17, IpPackets.Udp(40000, 5201, length - 14 - 28))
            : IpPackets.Ip(FrameBuilder.Mac(1), FrameBuilder.Mac(2), "10.0.0.2", "10.0.0.1", 17, IpPackets.Udp(5201, 40000, length - 14 - 28));
        frame[15] = (byte)(dscp << 2);
        IpPackets.WithL4Checksum(frame);
        var ip = frame.AsSpan(14);
        ip[10] = ip[11] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(ip[10..], IpPackets.Sum(ip[..20]));
        return frame;
    }

    // Sends count frames at once; returns how many passed.
    private int Burst(PolicerFunction policer, int count, Func<byte[]> frame, int port = Inside)
    {
        int passed = 0;
        for (int i = 0; i < count; i++)
        {
            _emit.Send(policer, port, frame());
            passed += _emit.Sent.Count;
        }
        return passed;
    }

    [Fact]
    public void A_full_bucket_lets_its_burst_through_then_the_rate_refills_it()
    {
        // 1 Mbit/s = 125,000 bytes a second; a 10,000-byte bucket holds 10 frames of 1000 bytes.
        var policer = Build("police: { kind: policer, rate: 1mbit, burst: 10000b }");
        Assert.Equal(10, Burst(policer, 100, () => Frame()));
        _time.Advance(TimeSpan.FromMilliseconds(80)); // 10,000 bytes at 125,000 bytes a second
        Assert.Equal(10, Burst(policer, 100, () => Frame()));
        var (conformed, conformedBytes, exceeded, exceededBytes) = policer.ClassCounters(0);
        Assert.Equal((20, 20_000, 180, 180_000), (conformed, conformedBytes, exceeded, exceededBytes));
        Assert.Equal(20, policer.Counters[PolicerEvent.Conformed]);
    }

    [Fact]
    public void Over_a_long_run_the_rate_holds_within_one_burst()
    {
        // 10 Mbit/s for 2 s of simulated time, offered at twice the rate in 1 ms steps: 2.5 MB may pass, plus the burst.
        var policer = Build("police: { kind: policer, rate: 10mbit, burst: 64kb }");
        long passed = 0;
        for (int ms = 0; ms < 2000; ms++)
        {
            passed += Burst(policer, 3, () => Frame(length: 834)) * 834L; // 2.5 kB a millisecond: 20 Mbit/s
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.InRange(passed, 2_500_000 - 834, 2_500_000 + (64 * 1024) + 834);
    }

    [Fact]
    public void Exceeding_packets_of_a_remark_class_pass_with_the_new_dscp_and_a_valid_checksum()
    {
        var policer = Build("""
            police:
              kind: policer
              classes:
                - { name: voice, dscp: 46, rate: 8kbit, burst: 1500b, exceed: remark, remark-dscp: 10 }
            """);
        for (int i = 0; i < 2; i++)
        {
            _emit.Send(policer, Inside, Frame(dscp: 46)); // 1000 bytes from the full 1500, then 1000 more into debt
            Assert.Equal(46, _emit.SentTo(Outside)[15] >> 2);
        }
        _emit.Send(policer, Inside, Frame(dscp: 46));
        var remarked = _emit.SentTo(Outside);
        Assert.Equal(10, remarked[15] >> 2);
        Assert.True(IpPackets.IpChecksumOk(remarked));
        Assert.Equal(1, policer.Counters[PolicerEvent.Remarked]);
    }

    [Fact]
    public void The_first_matching_class_polices_and_unmatched_traffic_passes_without_a_default()
    {
        var policer = Build("""
            police:
              kind: policer
              classes:
                - { name: voice, dscp: 46, rate: 8kbit, burst: 1500b }
            """);
        Assert.Equal(2, Burst(policer, 5, () => Frame(dscp: 46)));
        Assert.Equal(5, Burst(policer, 5, () => Frame(dscp: 0)));
        Assert.Equal(5, policer.Counters[PolicerEvent.Unpoliced]);
    }

    [Fact]
    public void Each_direction_has_its_own_bucket_and_outbound_polices_only_from_inside()
    {
        var both = Build("police: { kind: policer, rate: 8kbit, burst: 1500b }");
        Assert.Equal(2, Burst(both, 5, () => Frame()));
        Assert.Equal(2, Burst(both, 5, () => Frame(from: Outside), Outside));
        var outbound = Build("police: { kind: policer, direction: outbound, rate: 8kbit, burst: 1500b }");
        Assert.Equal(2, Burst(outbound, 5, () => Frame()));
        Assert.Equal(5, Burst(outbound, 5, () => Frame(from: Outside), Outside));
    }

    [Fact]
    public void A_super_frame_larger_than_the_burst_still_passes_when_the_bucket_is_full()
    {
        var policer = Build("police: { kind: policer, rate: 1mbit, burst: 16kb }");
        var gso = IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 6, IpPackets.Tcp(60_000));
        _emit.Send(policer, Inside, gso);
        Assert.Single(_emit.Sent);
        _emit.Send(policer, Inside, gso); // the bucket is in debt: nothing more until it has refilled
        Assert.Empty(_emit.Sent);
        _time.Advance(TimeSpan.FromSeconds(1));
        _emit.Send(policer, Inside, gso);
        Assert.Single(_emit.Sent);
    }

    [Fact]
    public void A_super_frame_counts_the_headers_of_every_segment_it_stands_for()
    {
        var policer = Build("police: { kind: policer, rate: 1gbit }");
        // 40 segments of 1448 bytes behind one 66-byte header (Ethernet 14, IPv4 20, TCP 32 with timestamps).
        var tcp = IpPackets.Tcp(12 + (40 * 1448));
        tcp[12] = 0x80; // data offset 8 words: 32 bytes
        var gso = IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "10.0.0.2", 6, tcp);
        _emit.Send(policer, Inside, gso, new VirtioNetHeader { GsoType = VirtioNetHeader.GsoTcpV4, GsoSize = 1448, HeaderLength = 66 });
        Assert.Equal(40 * (66 + 1448), policer.ClassCounters(0).ConformedBytes);
    }

    [Fact]
    public void Arp_and_other_non_ipv4_frames_are_never_policed()
    {
        var policer = Build("police: { kind: policer, rate: 8kbit, burst: 1500b }");
        var arp = IpPackets.Arp(1, FrameBuilder.Mac(0xFFFFFF), FrameBuilder.Mac(1), "10.0.0.1", default, "10.0.0.2");
        Assert.Equal(10, Burst(policer, 10, () => arp));
    }

    [Fact]
    public void The_table_lists_each_class_with_what_it_passed_and_stopped()
    {
        var policer = Build("""
            police:
              kind: policer
              rate: 8kbit
              burst: 1500b
              classes:
                - { name: voice, dscp: 46, rate: 1mbit, exceed: remark, remark-dscp: 0 }
            """);
        Burst(policer, 3, () => Frame());
        var rows = Assert.Single(policer.Tables).Rows().Select(r => r.ToArray()).ToList();
        Assert.Equal(["voice", "dscp 46", "1000000", "262144", "remark dscp 0", "0", "0", "0", "0"], rows[0]);
        Assert.Equal(["default", "any", "8000", "1500", "drop", "2", "2000", "1", "1000"], rows[1]);
    }
}

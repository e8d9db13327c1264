using BenchmarkDotNet.Attributes;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Benchmarks;

/// <summary>
/// Software TCP segmentation, as a VXLAN port does it for a lab host's super-frame (64,000 bytes of payload at an MSS
/// of 1,410: 46 segments): per segment, the headers and the payload slice copied, lengths, identification, sequence and
/// flags fixed, the IPv4 checksum and the full TCP checksum computed.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class TcpSegmentationBenchmark
{
    private const int Payload = 64_000;
    private const ushort Mss = 1410;
    private const int Segments = (Payload + Mss - 1) / Mss;

    private Packet _superFrame = null!;
    private TcpSegmentPlan _plan;
    private readonly byte[] _scratch = new byte[2048];

    /// <summary>A super-frame as a TAP hands it over (partial checksum, GSO TCPv4).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var frame = new byte[14 + 20 + 20 + Payload];
        frame[12] = 0x08;
        var ip = frame.AsSpan(14);
        Ipv4Header.Write(ip, 20 + 20 + Payload, 1, 64, Ipv4Header.ProtocolTcp, Ipv4Address.Parse("10.85.0.1"), Ipv4Address.Parse("10.85.0.2"));
        ip[20 + 12] = 0x50;
        ip[20 + 13] = 0x18;
        Random.Shared.NextBytes(frame.AsSpan(54));
        _superFrame = new PacketPool(1).Rent()!;
        _superFrame.Load(frame);
        _superFrame.Offload = new VirtioNetHeader
        {
            Flags = VirtioNetHeader.FlagNeedsChecksum, GsoType = VirtioNetHeader.GsoTcpV4, GsoSize = Mss, HeaderLength = 54, ChecksumStart = 34, ChecksumOffset = 16,
        };
        _plan = TcpSegmentation.Plan(_superFrame) ?? throw new InvalidOperationException("Not a TCP super-frame.");
        if (_plan.Segments != Segments)
        {
            throw new InvalidOperationException($"Expected {Segments} segments, planned {_plan.Segments}.");
        }
    }

    /// <summary>One segment written (of 46 per invocation).</summary>
    [Benchmark(OperationsPerInvoke = Segments)]
    public int Segment()
    {
        int bytes = 0;
        for (int i = 0; i < _plan.Segments; i++)
        {
            bytes += TcpSegmentation.Write(_superFrame, _plan, i, _scratch);
        }
        return bytes;
    }
}

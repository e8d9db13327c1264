using System.Runtime.CompilerServices;
using Nfv.Testing;

namespace NfvFunction1.Tests;

/// <summary>
/// The function inside a topology, run offline as <c>nfv replay</c> runs it: golden/in-p1.pcap goes in at p1, and what
/// comes out at p2 must equal golden/out-p2.pcap. After a deliberate change, run the tests once with
/// NFV_UPDATE_GOLDEN=1 to write the new output, and read its diff (<c>tshark -r golden/out-p2.pcap</c>) before committing.
/// </summary>
public class GoldenReplayTests
{
    private const string Topology = """
        functions:
          filter: { kind: nfv-function-kind, block: [0x86dd] }
        ports:
          p1: { tap: golden-p1 }
          p2: { tap: golden-p2 }
        links:
          - [p1, filter.a]
          - [filter.b, p2]
        """;

    [Fact]
    public void The_capture_comes_out_as_recorded_without_its_ipv6_frames()
    {
        var input = PcapFile.Read(Path.Combine(AppContext.BaseDirectory, "golden", "in-p1.pcap"));
        var result = TopologyReplay.Run(Topology, new Dictionary<string, IReadOnlyList<PcapRecord>> { ["p1"] = input });
        var output = result.Out["p2"];

        Assert.Equal(input.Count(r => !IsIpv6(r.Frame)), output.Count);
        Assert.DoesNotContain(output, r => IsIpv6(r.Frame));

        var golden = Path.Combine(SourceFolder(), "golden", "out-p2.pcap");
        if (Environment.GetEnvironmentVariable("NFV_UPDATE_GOLDEN") == "1")
        {
            PcapFile.Write(golden, output);
        }
        Assert.Equal(PcapFile.Read(golden), output);
    }

    private static bool IsIpv6(byte[] frame) => frame[12] == 0x86 && frame[13] == 0xdd;

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

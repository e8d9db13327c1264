using Nfv.Dataplane.Ports;

namespace Nfv.IntegrationTests;

/// <summary><c>nfv replay</c> as a user runs it: the real executable, no root, no TAPs.</summary>
public class ReplayProcessTests
{
    private const string Topology = """
        functions:
          lan: { kind: switch }
        ports:
          p1: { tap: replay-p1 }
          p2: { tap: replay-p2 }
        links:
          - { endpoints: [p1, lan], capture: p1.pcap }
          - [p2, lan]
        """;

    [Fact]
    public async Task Replay_runs_offline_writes_the_output_and_the_capture_and_prints_one_summary_line()
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("offline.yaml", Topology);
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var broadcast = FrameBuilder.Ethernet(Nfv.Abstractions.Headers.MacAddress.Broadcast, FrameBuilder.Mac(1), 46, 0x0806);
        using (var writer = PcapWriter.Create(Path.Combine(lab.Directory, "in.pcap")))
        {
            writer.Write(broadcast, time);
        }

        using var nfv = lab.StartNfv("replay", path, "--in", "p1=in.pcap", "--out", "p2=out.pcap");
        int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, nfv.StandardError);
        Assert.Equal("replay 'offline': in p1 1; out p2 1; dropped none", nfv.StandardOutput.Trim());
        var output = File.ReadAllBytes(Path.Combine(lab.Directory, "out.pcap"));
        Assert.Equal(24 + 16 + broadcast.Length, output.Length);
        Assert.Equal(broadcast, output[40..]);
        Assert.Equal(24 + 16 + broadcast.Length, new FileInfo(Path.Combine(lab.Directory, "p1.pcap")).Length);
    }

    [Theory]
    [InlineData("p1", "nfv replay: --in expects PORT=FILE (such as --in p1=in.pcap), not 'p1'")]
    [InlineData("p9=in.pcap", "nfv replay: --in p9=in.pcap: 'p9' is not an external port of topology 'offline'; its ports are p1, p2")]
    [InlineData("p1=missing.pcap", "nfv replay: --in p1=missing.pcap: no such file 'missing.pcap'")]
    public async Task Replay_refuses_bad_arguments_with_one_line_and_exit_code_1(string input, string message)
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("offline.yaml", Topology);

        using var nfv = lab.StartNfv("replay", path, "--in", input);
        int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Equal(message, nfv.StandardError.Trim());
        Assert.Empty(nfv.StandardOutput.Trim());
    }
}

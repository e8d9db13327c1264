namespace Nfv.Host.Tests.Replay;

/// <summary><c>capture:</c> on a link, checked offline: every frame crossing it, both ways, in order, on the replay's clock.</summary>
public sealed class ReplayCaptureTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-replay-capture-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_captured_link_records_frames_both_ways_next_to_the_topology_file()
    {
        // The golden switch with p1's link captured, the file named relative to the topology.
        var yaml = File.ReadAllText(Path.Combine(GoldenFiles.Directory, "switch-golden.yaml"))
            .Replace("  - [p1, sw.a]", "  - { endpoints: [p1, sw.a], capture: caps/p1.pcap }", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_temp, "lab", "caps"));
        var topology = Path.Combine(_temp, "lab", "captured.yaml");
        File.WriteAllText(topology, yaml);
        var scenario = GoldenScenarios.LearningAndFlooding();

        var run = ReplayRun.Invoke(topology,
            "--in", $"p1={GoldenFiles.Input(scenario, "p1")}", "--in", $"p2={GoldenFiles.Input(scenario, "p2")}");

        Assert.True(run.ExitCode == 0, run.Stderr);
        // Into the switch: what p1 sent; out of it: what p1 received. Merged in time order; at 30 ms p1's
        // own frame (first --in) crosses before the reply that p2's frame at 30 ms causes.
        var into = scenario.Inputs.Single(i => i.Port == "p1").Frames;
        var outOf = scenario.Expected["p1"];
        var expected = into.Concat(outOf).OrderBy(r => r.Time).ToList();
        Assert.Equal(expected, PcapFile.Read(Path.Combine(_temp, "lab", "caps", "p1.pcap")));
    }

    [Fact]
    public void A_capture_file_that_cannot_be_created_is_one_line()
    {
        var yaml = File.ReadAllText(Path.Combine(GoldenFiles.Directory, "switch-golden.yaml"))
            .Replace("  - [p1, sw.a]", "  - { endpoints: [p1, sw.a], capture: no-such-dir/p1.pcap }", StringComparison.Ordinal);
        var topology = Path.Combine(_temp, "bad.yaml");
        File.WriteAllText(topology, yaml);

        var run = ReplayRun.Invoke(topology, "--in", $"p1={GoldenFiles.Input(GoldenScenarios.Ageing(), "p1")}");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"nfv replay: cannot create pcap file '{Path.Combine(_temp, "no-such-dir", "p1.pcap")}'", Assert.Single(run.ErrorLines));
    }
}

namespace Nfv.Host.Tests.Replay;

/// <summary><c>nfv replay</c>'s refusals: one clear line each, exit code 1, nothing written.</summary>
public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-replay-cmd-").FullName;
    private readonly string _topology = Path.Combine(GoldenFiles.Directory, "switch-golden.yaml");
    private readonly string _input = GoldenFiles.Input(GoldenScenarios.LearningAndFlooding(), "p1");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_missing_topology_file_is_one_diagnostic()
    {
        var run = ReplayRun.Invoke(Path.Combine(_temp, "nope.yaml"), "--in", $"p1={_input}");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error NFV0002: cannot read the topology file", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void A_missing_input_file_is_named()
    {
        var missing = Path.Combine(_temp, "missing.pcap");
        var run = ReplayRun.Invoke(_topology, "--in", $"p1={missing}", "--out", $"p2={Path.Combine(_temp, "out.pcap")}");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"nfv replay: --in p1={missing}: no such file '{missing}'", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(Path.Combine(_temp, "out.pcap")));
    }

    [Fact]
    public void An_unknown_port_lists_the_ports_there_are()
    {
        var run = ReplayRun.Invoke(_topology, "--in", $"p9={_input}");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"nfv replay: --in p9={_input}: 'p9' is not an external port of topology 'switch-golden'; its ports are p1, p2, p3, trunk",
            Assert.Single(run.ErrorLines));
    }

    [Theory]
    [InlineData("--in", "p1")]
    [InlineData("--in", "=in.pcap")]
    [InlineData("--out", "p1=")]
    public void Bad_port_equals_file_syntax_is_refused(string option, string value)
    {
        var run = ReplayRun.Invoke(_topology, option, value);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"nfv replay: {option} expects PORT=FILE", Assert.Single(run.ErrorLines));
        Assert.Contains($"not '{value}'", run.Stderr);
    }

    [Fact]
    public void A_port_given_twice_is_refused()
    {
        var run = ReplayRun.Invoke(_topology, "--in", $"p1={_input}", "--in", $"p1={_input}");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("nfv replay: --in names port 'p1' twice; give one file per port", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void An_output_that_would_overwrite_an_input_is_refused()
    {
        var copy = Path.Combine(_temp, "in.pcap");
        File.Copy(_input, copy);
        var before = File.ReadAllBytes(copy);
        var run = ReplayRun.Invoke(_topology, "--in", $"p1={copy}", "--out", $"p2={copy}");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is also an --in file", Assert.Single(run.ErrorLines));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_file_that_is_not_a_pcap_is_one_line()
    {
        var text = Path.Combine(_temp, "not.pcap");
        File.WriteAllText(text, "this is not a capture file\n");
        var run = ReplayRun.Invoke(_topology, "--in", $"p1={text}");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"nfv replay: cannot read pcap file '{text}'", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Lab_hosts_are_ignored_with_a_note_and_frames_without_out_are_counted()
    {
        var lab = Path.Combine(AppContext.BaseDirectory, "topologies", "switch-lab.yaml");
        var broadcast = new PcapRecord(GoldenScenarios.Start, FrameBuilder.Ethernet(Nfv.Abstractions.Headers.MacAddress.Broadcast, FrameBuilder.Mac(1), 46, 0x0806));
        var input = Path.Combine(_temp, "lan1.pcap");
        PcapFile.Write(input, [broadcast]);
        var output = Path.Combine(_temp, "lan2.pcap");

        var run = ReplayRun.Invoke(lab, "--in", $"lan1={input}", "--out", $"lan2={output}");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("nfv replay: note: lab hosts are ignored offline (", Assert.Single(run.ErrorLines));
        Assert.Equal([broadcast], PcapFile.Read(output));
        Assert.Contains("discarded lan3 1 (no --out)", run.Stdout);
    }
}

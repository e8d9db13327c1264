using Nfv.Runtime.Replay;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Host.Tests.Replay;

/// <summary>
/// Golden replay tests of the switch and the router: committed input pcaps through <c>nfv replay</c>, compared
/// frame by frame (bytes and timestamps) with committed expected pcaps that <see cref="GoldenScenarios"/> derives
/// by hand; plus properties checked on the output directly (the router's in <see cref="RouterGoldenReplayTests"/>),
/// and determinism.
/// </summary>
/// <remarks>
/// To rewrite the committed files after changing a scenario: <c>NFV_WRITE_GOLDEN=1 dotnet test
/// tests/Nfv.Host.Tests --filter FullyQualifiedName~Committed_pcaps</c>, then review the diff.
/// </remarks>
public sealed class GoldenReplayTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nfv-replay-").FullName;

    public static TheoryData<string> Names() => new(GoldenScenarios.All.Select(s => s.Name));

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Theory]
    [MemberData(nameof(Names))]
    public void Committed_pcaps_are_what_the_scenario_describes(string name)
    {
        var scenario = GoldenScenarios.Get(name);
        if (Environment.GetEnvironmentVariable("NFV_WRITE_GOLDEN") == "1")
        {
            GoldenFiles.Write(scenario, GoldenFiles.SourceDirectory());
            GoldenFiles.Write(scenario, GoldenFiles.Directory);
        }
        foreach (var (port, frames) in scenario.Inputs)
        {
            Assert.Equal(frames, PcapFile.Read(GoldenFiles.Input(scenario, port)));
        }
        Assert.Equal(scenario.Ports.Order(), scenario.Expected.Keys.Order());
        foreach (var (port, frames) in scenario.Expected)
        {
            Assert.Equal(frames, PcapFile.Read(GoldenFiles.Expected(scenario, port)));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Replay_output_matches_the_expected_pcaps_frame_by_frame(string name)
    {
        var scenario = GoldenScenarios.Get(name);
        ReplayRun.Scenario(scenario, _temp);
        foreach (var port in scenario.Ports)
        {
            var expected = PcapFile.Read(GoldenFiles.Expected(scenario, port));
            var actual = PcapFile.Read(Path.Combine(_temp, $"out-{port}.pcap"));
            for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            {
                Assert.True(expected[i].Equals(actual[i]), $"{name}, port {port}, frame {i}:\n expected {expected[i]}\n actual   {actual[i]}");
            }
            Assert.True(expected.Count == actual.Count, $"{name}, port {port}: expected {expected.Count} frame(s), got {actual.Count}");
        }
    }

    [Fact]
    public void Replay_is_deterministic_byte_for_byte()
    {
        foreach (var scenario in GoldenScenarios.All)
        {
            var first = Directory.CreateDirectory(Path.Combine(_temp, scenario.Name, "1")).FullName;
            var second = Directory.CreateDirectory(Path.Combine(_temp, scenario.Name, "2")).FullName;
            var a = ReplayRun.Scenario(scenario, first);
            var b = ReplayRun.Scenario(scenario, second);
            Assert.Equal(a.Stdout, b.Stdout);
            foreach (var port in scenario.Ports)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(first, $"out-{port}.pcap")), File.ReadAllBytes(Path.Combine(second, $"out-{port}.pcap")));
            }
        }
    }

    [Fact]
    public void Every_output_frame_carries_the_timestamp_of_an_input_frame_or_of_a_timer_tick()
    {
        foreach (var scenario in GoldenScenarios.All)
        {
            var dir = Directory.CreateDirectory(Path.Combine(_temp, scenario.Name)).FullName;
            ReplayRun.Scenario(scenario, dir);
            var inputTimes = scenario.Inputs.SelectMany(i => i.Frames).Select(f => f.Time).ToHashSet();
            foreach (var port in scenario.Ports)
            {
                // A frame a timer sent (the router's duplicate address detection) leaves at a tick: every 100 ms of the clock.
                Assert.All(PcapFile.Read(Path.Combine(dir, $"out-{port}.pcap")), r => Assert.True(
                    inputTimes.Contains(r.Time) || (r.Time - DateTimeOffset.UnixEpoch).Ticks % OfflineReplay.TickInterval.Ticks == 0, r.ToString()));
            }
        }
    }

    [Fact]
    public void Vlan_trunk_frames_leave_the_trunk_tagged_and_the_access_ports_untagged()
    {
        ReplayRun.Scenario(GoldenScenarios.VlanTrunk(), _temp);
        var trunk = PcapFile.Read(Path.Combine(_temp, "out-trunk.pcap"));
        Assert.NotEmpty(trunk);
        Assert.All(trunk, r => Assert.True(IsTagged(r.Frame) && VlanOf(r.Frame) is 10 or 20, r.ToString()));
        foreach (var access in new[] { "p1", "p2", "p3" })
        {
            Assert.All(PcapFile.Read(Path.Combine(_temp, $"out-{access}.pcap")), r => Assert.False(IsTagged(r.Frame), r.ToString()));
        }
        // VLAN 20 (p3) and VLAN 10 (p1, p2) never meet.
        Assert.All(PcapFile.Read(Path.Combine(_temp, "out-p3.pcap")), r => Assert.NotEqual(Mac(7).ToString(), Source(r.Frame)));
    }

    [Fact]
    public void An_address_unseen_for_longer_than_the_ageing_time_is_flooded_to_again()
    {
        ReplayRun.Scenario(GoldenScenarios.Ageing(), _temp);
        var start = GoldenScenarios.Start;
        var trunk = PcapFile.Read(Path.Combine(_temp, "out-trunk.pcap")).Select(r => r.Time - start).ToArray();
        // The first broadcast floods (0 s); while M2 is known nothing reaches the trunk; at 4 s, 2.5 s after
        // M2 was last seen with a 2 s ageing time, the frame to M2 floods again; at 4.2 s M2 is known again.
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(4)], trunk);
        var p2 = PcapFile.Read(Path.Combine(_temp, "out-p2.pcap")).Select(r => r.Time - start).ToArray();
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.2)], p2);
    }

    [Fact]
    public void Summary_counts_frames_per_port_and_drops_by_function_and_reason()
    {
        var run = ReplayRun.Scenario(GoldenScenarios.VlanTrunk(), _temp);
        var line = Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(
            "replay 'switch-golden': in trunk 5, p3 1, p1 1; out p1 1, p2 1, p3 2, trunk 1; " +
            "dropped sw/TaggedOnAccess 1, sw/VlanNotAllowed 1, sw/NoEgressPort 1",
            line.Trim());
    }

    private static string Source(byte[] frame) => new Nfv.Abstractions.Headers.MacAddress(
        ((ulong)frame[6] << 40) | ((ulong)frame[7] << 32) | ((ulong)frame[8] << 24) | ((ulong)frame[9] << 16) | ((ulong)frame[10] << 8) | frame[11]).ToString();
}

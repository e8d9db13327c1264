using System.CommandLine;
using Nfv.Host.Commands;

namespace Nfv.Host.Tests.Replay;

/// <summary>Runs <c>nfv replay</c> in-process, through its System.CommandLine verb, and keeps what it printed.</summary>
public sealed class ReplayRun
{
    private ReplayRun(int exitCode, string stdout, string stderr)
    {
        ExitCode = exitCode;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    /// <summary>What went to stdout.</summary>
    public string Stdout { get; }

    /// <summary>What went to stderr.</summary>
    public string Stderr { get; }

    /// <summary>The non-empty lines of stderr.</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs <c>nfv replay ARGS</c>.</summary>
    public static ReplayRun Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = new RootCommand { ReplayCommand.Create() };
        int code = root.Parse(["replay", .. args]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return new ReplayRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Replays <paramref name="scenario"/>'s committed inputs over its golden topology into <paramref name="directory"/>, every port to out-PORT.pcap.</summary>
    public static ReplayRun Scenario(GoldenScenario scenario, string directory)
    {
        var args = new List<string> { Path.Combine(GoldenFiles.Directory, scenario.Topology) };
        foreach (var (port, _) in scenario.Inputs)
        {
            args.AddRange(["--in", $"{port}={GoldenFiles.Input(scenario, port)}"]);
        }
        foreach (var port in scenario.Ports)
        {
            args.AddRange(["--out", $"{port}={Path.Combine(directory, $"out-{port}.pcap")}"]);
        }
        var run = Invoke([.. args]);
        Assert.True(run.ExitCode == 0, $"nfv replay failed ({run.ExitCode}): {run.Stderr}");
        return run;
    }
}

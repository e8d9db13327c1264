using System.Runtime.CompilerServices;

namespace Nfv.Host.Tests.Replay;

/// <summary>Where the golden pcaps are: Pcaps/SCENARIO/in-PORT.pcap and expected-PORT.pcap, copied next to the tests.</summary>
public static class GoldenFiles
{
    /// <summary>The Pcaps folder in the test output.</summary>
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Pcaps");

    /// <summary>The committed input file of <paramref name="port"/>.</summary>
    public static string Input(GoldenScenario scenario, string port, string? root = null) =>
        Path.Combine(root ?? Directory, scenario.Name, $"in-{port}.pcap");

    /// <summary>The committed expected output of <paramref name="port"/>.</summary>
    public static string Expected(GoldenScenario scenario, string port, string? root = null) =>
        Path.Combine(root ?? Directory, scenario.Name, $"expected-{port}.pcap");

    /// <summary>The Pcaps folder in the source tree (to regenerate the files).</summary>
    public static string SourceDirectory([CallerFilePath] string file = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file)!)!, "Pcaps");

    /// <summary>Writes a scenario's inputs and expected outputs, as the scenario describes them, under <paramref name="root"/>.</summary>
    public static void Write(GoldenScenario scenario, string root)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(root, scenario.Name));
        foreach (var (port, frames) in scenario.Inputs)
        {
            PcapFile.Write(Input(scenario, port, root), frames);
        }
        foreach (var (port, frames) in scenario.Expected)
        {
            PcapFile.Write(Expected(scenario, port, root), frames);
        }
    }
}

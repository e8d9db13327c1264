using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Runtime;
using Nfv.Runtime.Replay;
using Nfv.Topology;

namespace Nfv.Testing;

/// <summary>What a <see cref="TopologyReplay"/> produced.</summary>
/// <param name="Summary">The replay's summary: frames in and out per port, drops by function and reason.</param>
/// <param name="Out">The frames each external port sent, by port name (every port of the topology, empty when it sent none).</param>
public sealed record ReplayResult(ReplaySummary Summary, IReadOnlyDictionary<string, IReadOnlyList<PcapRecord>> Out);

/// <summary>
/// Runs a topology offline over frames held in memory, exactly as <c>nfv replay</c> runs it over pcap files (the same
/// loader, compiler and replay clock): the golden test of a function inside a topology, with no root and no TAPs.
/// </summary>
public static class TopologyReplay
{
    /// <summary>Replays <paramref name="inputs"/> (frames per external port name) through the topology <paramref name="yaml"/>.</summary>
    /// <param name="yaml">The topology file's text.</param>
    /// <param name="inputs">The frames each port receives, with their timestamps; ports not named receive nothing.</param>
    /// <param name="catalog">The function kinds to load with; null for every function installed beside the test.</param>
    /// <exception cref="FunctionTestException">The topology is refused (the message lists every diagnostic), or a port is unknown.</exception>
    public static ReplayResult Run(string yaml, IReadOnlyDictionary<string, IReadOnlyList<PcapRecord>> inputs, FunctionCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var result = TopologyLoader.LoadFromText(yaml, "topology.yaml", catalog ?? FunctionDiscovery.Installed());
        Check.That(result.Succeeded, $"the topology is refused:\n{string.Join("\n", result.Diagnostics)}");
        var topology = result.Topology!;
        var folder = Directory.CreateTempSubdirectory("nfv-testing-replay-").FullName;
        try
        {
            var ins = new List<ReplayBinding>();
            foreach (var (port, frames) in inputs)
            {
                Check.That(topology.Ports.Any(p => p.Name == port), $"the topology has no port '{port}'; it has {string.Join(", ", topology.Ports.Select(p => p.Name))}");
                var file = Path.Combine(folder, $"in-{port}.pcap");
                PcapFile.Write(file, frames);
                ins.Add(new ReplayBinding(port, file));
            }
            var outs = topology.Ports.Select(p => new ReplayBinding(p.Name, Path.Combine(folder, $"out-{p.Name}.pcap"))).ToList();
            var summary = OfflineReplay.Run(topology, ins, outs, NullLoggerFactory.Instance);
            var sent = outs.ToDictionary(o => o.Port, o => (IReadOnlyList<PcapRecord>)PcapFile.Read(o.File), StringComparer.Ordinal);
            return new ReplayResult(summary, sent);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Runtime.Replay;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary><c>nfv replay FILE --in PORT=in.pcap ... --out PORT=out.pcap ...</c>: a topology run offline over pcap files.</summary>
internal static class ReplayCommand
{
    /// <summary>The verb.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file to run." };
        var inputs = new Option<string[]>("--in")
        {
            Description = "PORT=FILE: frames from the pcap FILE enter at the external port PORT (repeat for more ports; merged by timestamp).",
            DefaultValueFactory = _ => [],
        };
        var outputs = new Option<string[]>("--out")
        {
            Description = "PORT=FILE: frames leaving the external port PORT are written to the pcap FILE (repeat for more ports); other ports' frames are counted and discarded.",
            DefaultValueFactory = _ => [],
        };
        var command = new Command("replay",
            "Runs a topology offline over pcap files, on the capture's clock: no root, no TAPs, no namespaces; the same input gives byte-identical output.")
        {
            file,
            inputs,
            outputs,
        };
        command.SetAction(parse => Execute(parse.GetValue(file)!, parse.GetValue(inputs) ?? [], parse.GetValue(outputs) ?? [],
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Runs the verb: 0 on success, 1 with one clear line per problem on stderr.</summary>
    public static int Execute(string path, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, TextWriter stdout, TextWriter stderr)
    {
        if (TopologyFile.Load(path, stderr) is not { } topology)
        {
            return 1;
        }

        var ins = Bind("--in", inputs, topology, stderr);
        var outs = Bind("--out", outputs, topology, stderr);
        if (ins is null || outs is null || !CheckFiles(ins, outs, stderr))
        {
            return 1;
        }
        if (topology.Hosts.Count > 0)
        {
            stderr.WriteLine($"nfv replay: note: lab hosts are ignored offline ({string.Join(", ", topology.Hosts.Select(h => h.Name))})");
        }

        try
        {
            var summary = OfflineReplay.Run(topology, ins, outs, NullLoggerFactory.Instance);
            stdout.WriteLine(summary.ToString());
            return 0;
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"nfv replay: {ex.Message}");
            return 1;
        }
    }

    private static List<ReplayBinding>? Bind(string option, IReadOnlyList<string> texts, ResolvedTopology topology, TextWriter stderr)
    {
        var bindings = new List<ReplayBinding>();
        bool ok = true;
        foreach (var text in texts)
        {
            var binding = ReplayBinding.Parse(option, text, out var error);
            if (binding is null)
            {
                stderr.WriteLine($"nfv replay: {error}");
                ok = false;
                continue;
            }
            if (!topology.Ports.Any(p => p.Name == binding.Port))
            {
                var known = topology.Ports.Count == 0 ? "it has no external ports" : $"its ports are {string.Join(", ", topology.Ports.Select(p => p.Name))}";
                stderr.WriteLine($"nfv replay: {option} {text}: '{binding.Port}' is not an external port of topology '{topology.Name}'; {known}");
                ok = false;
                continue;
            }
            if (bindings.Any(b => b.Port == binding.Port))
            {
                stderr.WriteLine($"nfv replay: {option} names port '{binding.Port}' twice; give one file per port");
                ok = false;
                continue;
            }
            bindings.Add(binding);
        }
        return ok ? bindings : null;
    }

    private static bool CheckFiles(List<ReplayBinding> ins, List<ReplayBinding> outs, TextWriter stderr)
    {
        bool ok = true;
        foreach (var input in ins)
        {
            if (!File.Exists(input.File))
            {
                stderr.WriteLine($"nfv replay: --in {input}: no such file '{input.File}'");
                ok = false;
            }
        }
        var seen = new Dictionary<string, ReplayBinding>(StringComparer.Ordinal);
        foreach (var output in outs)
        {
            var full = Path.GetFullPath(output.File);
            if (ins.Any(i => Path.GetFullPath(i.File) == full))
            {
                stderr.WriteLine($"nfv replay: --out {output}: '{output.File}' is also an --in file; it would be overwritten");
                ok = false;
            }
            else if (seen.TryGetValue(full, out var first))
            {
                stderr.WriteLine($"nfv replay: --out {output}: '{output.File}' is already the output of port '{first.Port}'");
                ok = false;
            }
            else
            {
                seen.Add(full, output);
            }
        }
        return ok;
    }
}

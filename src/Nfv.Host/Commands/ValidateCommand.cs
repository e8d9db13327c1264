using System.CommandLine;
using Nfv.Abstractions.Configuration;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary><c>nfv validate FILE [--expand]</c>: checks a topology file without running it.</summary>
internal static class ValidateCommand
{
    /// <summary><c>nfv validate FILE [--expand]</c>.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file to check." };
        var expand = new Option<bool>("--expand")
        {
            Description = "Print the topology with its ranges (\"h[1-100]\") expanded, as YAML that nfv reads the same way.",
        };
        var command = new Command("validate", "Checks a topology file and prints every problem with its line and column.") { file, expand };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (TopologyFile.Load(path, Console.Error) is not { } t)
            {
                return 1;
            }
            string verdict = $"{path}: topology '{t.Name}' is valid: {t.Functions.Count} function(s), {t.Ports.Count} port(s), {t.Links.Count} link(s), {t.Hosts.Count} host(s).";
            if (!parse.GetValue(expand))
            {
                Console.Out.WriteLine(verdict);
                return 0;
            }
            // Valid, so the text reads and expands again without a problem.
            var root = TopologyLoader.ParseExpanded(File.ReadAllText(path), path, new DiagnosticBag())!;
            Console.Out.Write($"# {verdict}\n{ConfigYaml.Write(root)}");
            return 0;
        });
        return command;
    }
}

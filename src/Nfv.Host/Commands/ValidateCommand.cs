using System.CommandLine;

namespace Nfv.Host.Commands;

/// <summary><c>nfv validate FILE</c>: checks a topology file without running it.</summary>
internal static class ValidateCommand
{
    /// <summary><c>nfv validate FILE</c>.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file to check." };
        var command = new Command("validate", "Checks a topology file and prints every problem with its line and column.") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (TopologyFile.Load(path, Console.Error) is not { } t)
            {
                return 1;
            }
            Console.Out.WriteLine($"{path}: topology '{t.Name}' is valid: {t.Functions.Count} function(s), {t.Ports.Count} port(s), {t.Links.Count} link(s), {t.Hosts.Count} host(s).");
            return 0;
        });
        return command;
    }
}

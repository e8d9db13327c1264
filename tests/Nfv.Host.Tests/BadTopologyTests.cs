using Nfv.Abstractions.Configuration;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Tests;

/// <summary>
/// A corpus of bad topology files (BadTopologies/*.yaml: syntax, types, names, links, hosts, each function's own
/// checks, huge numbers, non-UTF-8 bytes, deep nesting, a YAML alias bomb): each is refused whole, with every problem
/// at its line and column, exactly as BadTopologies/expected.txt lists (reviewed by hand; <c>NFV_WRITE_GOLDEN=1</c>
/// rewrites it from the loader: read the diff).
/// </summary>
public class BadTopologyTests
{
    private const string Folder = "BadTopologies";

    private static string[] Names => [.. Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Order()];

    public static TheoryData<string> Files => new(Names);

    private static string[] Diagnose(string file) =>
        [.. TopologyLoader.Load($"{Folder}/{file}", FunctionDiscovery.Installed()).Diagnostics.Select(d => d.ToString())];

    private static Dictionary<string, List<string>> Expected()
    {
        var expected = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in File.ReadLines(Path.Combine(Folder, "expected.txt")))
        {
            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                expected[line[3..]] = current = [];
            }
            else if (line.Length > 0)
            {
                current!.Add(line);
            }
        }
        return expected;
    }

    [Fact]
    public void The_corpus_covers_at_least_40_bad_files_and_lists_each()
    {
        Assert.True(Names.Length >= 40, $"only {Names.Length} bad files");
        if (Environment.GetEnvironmentVariable("NFV_WRITE_GOLDEN") == "1")
        {
            var source = Path.Combine(AppContext.BaseDirectory, "../../../", Folder, "expected.txt");
            File.WriteAllLines(source, Names.SelectMany(f => new[] { $"== {f}" }.Concat(Diagnose(f))));
        }
        Assert.Equal(Names, Expected().Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_bad_file_is_refused_whole_with_every_problem_at_its_line_and_column(string file)
    {
        var result = TopologyLoader.Load($"{Folder}/{file}", FunctionDiscovery.Installed());

        Assert.False(result.Succeeded);
        Assert.Null(result.Topology);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.All(result.Diagnostics, d => Assert.True(d.Span.Line >= 1 && d.Span.Column >= 1, d.ToString()));
        Assert.Equal(Expected()[file], result.Diagnostics.Select(d => d.ToString()));
    }
}

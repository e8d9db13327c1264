using System.Text.RegularExpressions;

namespace Nfv.Runtime.Tests;

/// <summary>The repository's documents stand alone: every relative link resolves to a file of the repository.</summary>
public partial class DocumentationLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_markdown_resolves_inside_the_repository()
    {
        var broken = new List<string>();
        var documents = Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Where(p => !Regex.IsMatch(p, "/(bin|obj|artifacts|BenchmarkDotNet.Artifacts|node_modules)/"))
            .ToList();
        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            foreach (Match link in Link().Matches(File.ReadAllText(document)))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, target));
                if (!resolved.StartsWith(Repository.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ||
                    !(File.Exists(resolved) || Directory.Exists(resolved)))
                {
                    broken.Add($"{Path.GetRelativePath(Repository.Root, document)}: ({link.Groups["target"].Value})");
                }
            }
        }
        Assert.Empty(broken);
    }

    [Fact]
    public void No_document_refers_to_files_outside_the_repository()
    {
        var outside = Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Where(p => !Regex.IsMatch(p, "/(bin|obj|artifacts|BenchmarkDotNet.Artifacts)/"))
            .Where(p => File.ReadAllText(p).Contains("../shared", StringComparison.Ordinal) || File.ReadAllText(p).Contains("shared/DESIGN", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Repository.Root, p))
            .ToList();
        Assert.Empty(outside);
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}

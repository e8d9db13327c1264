using System.Xml.Linq;

namespace Nfv.Runtime.Tests;

/// <summary>
/// The layout of docs/architecture.md, checked on every project file: dependencies run one way, functions depend on the
/// contract only, and nothing but tests reaches into the executable.
/// </summary>
public class LayoutTests
{
    // What each library may reference (directly). Anything under functions/ may reference only the contract and Nfv.Ip.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Nfv.Abstractions"] = [],
        ["Nfv.Ip"] = ["Nfv.Abstractions"],
        ["Nfv.Dataplane"] = ["Nfv.Abstractions", "Nfv.Ip"],
        ["Nfv.Topology"] = ["Nfv.Abstractions", "Nfv.Ip"],
        ["Nfv.Runtime"] = ["Nfv.Abstractions", "Nfv.Dataplane", "Nfv.Topology"],
        ["Nfv.Lab"] = ["Nfv.Abstractions", "Nfv.Ip", "Nfv.Dataplane", "Nfv.Topology"],
        ["Nfv.Management"] = ["Nfv.Abstractions", "Nfv.Dataplane", "Nfv.Topology", "Nfv.Runtime", "Nfv.Lab"],
        ["Nfv.Testing"] = ["Nfv.Abstractions", "Nfv.Ip", "Nfv.Topology", "Nfv.Runtime"],
    };

    private static readonly string[] FunctionMayReference = ["Nfv.Abstractions", "Nfv.Ip"];

    [Fact]
    public void Every_project_reference_runs_with_the_layout()
    {
        var violations = new List<string>();
        foreach (var (project, references) in Projects())
        {
            string area = project.Area;
            foreach (var reference in references)
            {
                string? why = area switch
                {
                    "src" when project.Name == "Nfv.Host" => null, // the executable composes everything, the built-in functions included
                    "src" when !Allowed.TryGetValue(project.Name, out var allowed) => $"{project.Name} is not in the layout; add it to docs/architecture.md and to this test",
                    "src" when !Allowed[project.Name].Contains(reference.Name) => $"may reference only {string.Join(", ", Allowed[project.Name])}",
                    "functions" when !FunctionMayReference.Contains(reference.Name) => "a function may reference only Nfv.Abstractions and Nfv.Ip (never the dataplane, the runtime or another function)",
                    "bench" when reference.Name == "Nfv.Host" => "benchmarks measure libraries, never the executable",
                    _ => null,
                };
                if (why is not null)
                {
                    violations.Add($"{project.Name} -> {reference.Name}: {why}");
                }
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void The_layout_lists_every_library_and_function_the_repository_has()
    {
        var projects = Projects().Select(p => p.Project).ToList();
        Assert.Equal([.. Allowed.Keys.Append("Nfv.Host").Order(StringComparer.Ordinal)],
            projects.Where(p => p.Area == "src").Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["Nfv.Functions.Dhcp", "Nfv.Functions.Firewall", "Nfv.Functions.Impair", "Nfv.Functions.Nat", "Nfv.Functions.Policer", "Nfv.Functions.Router", "Nfv.Functions.Shaper", "Nfv.Functions.Steer", "Nfv.Functions.Switch"],
            projects.Where(p => p.Area == "functions").Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_function_nfv_ships_as_a_plugin_is_built_against_the_contract_without_copying_it()
    {
        // nfv builds it but does not reference it (it is copied to functions/NAME/ and loaded as a plugin), and the
        // plugin compiles against the contract without a copy of its own, which would shadow nothing but mislead.
        var host = XDocument.Load(System.IO.Path.Combine(Repository.Root, "src", "Nfv.Host", "Nfv.Host.csproj"));
        var bundled = host.Descendants("ProjectReference")
            .Where(r => (string?)r.Attribute("ReferenceOutputAssembly") == "false")
            .Select(r => System.IO.Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!))
            .ToList();
        Assert.Equal(["Nfv.Functions.Firewall", "Nfv.Functions.Impair", "Nfv.Functions.Policer", "Nfv.Functions.Shaper", "Nfv.Functions.Steer"], bundled);
        foreach (var name in bundled)
        {
            var project = XDocument.Load(System.IO.Path.Combine(Repository.Root, "functions", name, $"{name}.csproj"));
            Assert.Equal("true", project.Descendants("EnableDynamicLoading").Single().Value);
            Assert.All(project.Descendants("ProjectReference"), r =>
            {
                Assert.Equal("false", (string?)r.Attribute("Private"));
                Assert.Equal("runtime", (string?)r.Attribute("ExcludeAssets"));
            });
        }
    }

    [Fact]
    public void Only_tests_reference_the_executable_and_no_library_grants_its_internals_to_it()
    {
        foreach (var (project, references) in Projects())
        {
            if (project.Area != "tests")
            {
                Assert.DoesNotContain(references, r => r.Name == "Nfv.Host");
            }
        }
        var grants = Projects().Select(p => p.Project)
            .SelectMany(p => XDocument.Load(p.Path).Descendants("InternalsVisibleTo").Select(e => (p.Name, To: (string)e.Attribute("Include")!)))
            .Where(g => g.To is "nfv" or "Nfv.Host")
            .ToList();
        Assert.Empty(grants);
    }

    private sealed record ProjectFile(string Name, string Area, string Path);

    private static IEnumerable<(ProjectFile Project, List<ProjectFile> References)> Projects()
    {
        var root = Repository.Root;
        foreach (var path in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains("/obj/", StringComparison.Ordinal)))
        {
            var project = Describe(root, path);
            var references = XDocument.Load(path).Descendants("ProjectReference")
                .Select(e => Describe(root, System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, ((string)e.Attribute("Include")!).Replace('\\', '/')))))
                .ToList();
            yield return (project, references);
        }
    }

    private static ProjectFile Describe(string root, string path)
    {
        var relative = System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');
        return new ProjectFile(System.IO.Path.GetFileNameWithoutExtension(path), relative[..relative.IndexOf('/', StringComparison.Ordinal)], path);
    }
}

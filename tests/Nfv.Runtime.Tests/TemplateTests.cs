using System.Text.Json;
using System.Xml.Linq;

namespace Nfv.Runtime.Tests;

/// <summary>
/// The <c>dotnet new nfv-function</c> template (templates/nfv-function) kept in step with the solution: it builds against
/// the Nfv version this checkout packs, and its test packages are the versions the solution restores, so a generated
/// project restores from the same packages (PluginTemplateTests builds one).
/// </summary>
public class TemplateTests
{
    private static readonly string Template = Path.Combine(Repository.Root, "templates", "nfv-function");

    [Fact]
    public void The_template_builds_against_the_version_this_checkout_packs()
    {
        var props = XDocument.Load(Path.Combine(Repository.Root, "Directory.Build.props"));
        var nfvVersion = props.Descendants("NfvVersion").Single().Value;
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Template, ".template.config", "template.json")));
        Assert.Equal(nfvVersion, template.RootElement.GetProperty("symbols").GetProperty("nfvVersion").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void The_templates_packages_are_the_versions_the_solution_uses()
    {
        var central = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value);
        var references = Directory.EnumerateFiles(Template, "*.csproj", SearchOption.AllDirectories)
            .SelectMany(f => XDocument.Load(f).Descendants("PackageReference"))
            .Select(r => (Name: r.Attribute("Include")!.Value, Version: r.Attribute("Version")!.Value))
            .Where(r => !r.Name.StartsWith("Nfv.", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Equal(central[r.Name], r.Version));
    }
}

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 12, proof 5 (its tool half): nfv packs as a .NET tool (Nfv.Tool) that installs with <c>dotnet tool install</c>
/// and runs as <c>nfv</c>, its bundled plugins with it.
/// </summary>
public class ToolPackageTests
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_tool_package_installs_and_nfv_runs_with_its_bundled_plugins()
    {
        await using var lab = new Lab();
        string version = $"1.0.0-{lab.Prefix}"; // this run's package only, removed from the NuGet cache at the end
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string feed = Path.Combine(lab.Directory, "packages"), tools = Path.Combine(lab.Directory, "tools");
        try
        {
            await DotnetAsync(Repository.Root, "pack", Path.Combine("src", "Nfv.Host"), "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}",
                $"-p:NuspecOutputPath={Path.Combine(lab.Directory, "nuspec")}/");
            await DotnetAsync(lab.Directory, "tool", "install", "Nfv.Tool", "--tool-path", tools, "--add-source", feed, "--version", version);

            var nfv = Path.Combine(tools, "nfv");
            var printed = await Shell.RunAsync(nfv, ["--version"], DotnetTimeout);
            Assert.True(printed.ExitCode == 0, printed.ToString());
            Assert.StartsWith("1.0.0", printed.StandardOutput.Trim(), StringComparison.Ordinal);

            // The firewall is a bundled plugin: it came in the package, beside nfv.
            var validate = await Shell.RunAsync(nfv, ["validate", Path.Combine(Repository.Root, "topologies", "router-nat-firewall.yaml")], DotnetTimeout);
            Assert.True(validate.ExitCode == 0, validate.ToString());
            Assert.Contains("topology 'router-nat-firewall' is valid", validate.StandardOutput + validate.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            var cached = Path.Combine(NuGetCache, "nfv.tool", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    private static string NuGetCache => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
        ? cache
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static async Task DotnetAsync(string directory, params string[] arguments)
    {
        var result = await Shell.RunAsync("dotnet", arguments, DotnetTimeout, directory);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 12, proof 5 (its tool half): nfv packs as a .NET tool (Nfv.Tool) that installs with <c>dotnet tool install</c>
/// and runs as <c>nfv</c>, its bundled plugins with it.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public async Task The_tool_package_installs_and_nfv_runs_with_its_bundled_plugins()
    {
        await using var lab = new Lab();
        string version = $"1.0.0-{lab.Prefix}"; // this run's package only, removed from the NuGet cache at the end
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string feed = Path.Combine(lab.Directory, "packages"), tools = Path.Combine(lab.Directory, "tools");
        try
        {
            await PluginTemplateTests.DotnetAsync(Repository.Root, "pack", Path.Combine("src", "Nfv.Host"), "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}",
                $"-p:NuspecOutputPath={Path.Combine(lab.Directory, "nuspec")}/");
            await PluginTemplateTests.DotnetAsync(lab.Directory, "tool", "install", "Nfv.Tool", "--tool-path", tools, "--add-source", feed, "--version", version);

            var nfv = Path.Combine(tools, "nfv");
            var printed = await Shell.RunAsync(nfv, ["--version"], TimeSpan.FromMinutes(1));
            Assert.True(printed.ExitCode == 0, printed.ToString());
            Assert.StartsWith("1.0.0", printed.StandardOutput.Trim(), StringComparison.Ordinal);

            // The firewall is a bundled plugin: it came in the package, beside nfv.
            var validate = await Shell.RunAsync(nfv, ["validate", Path.Combine(Repository.Root, "topologies", "router-nat-firewall.yaml")], TimeSpan.FromMinutes(1));
            Assert.True(validate.ExitCode == 0, validate.ToString());
            Assert.Contains("topology 'router-nat-firewall' is valid", validate.StandardOutput + validate.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            var cached = Path.Combine(NfvProcess.NuGetCache, "nfv.tool", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }
}

namespace Nfv.IntegrationTests;

/// <summary>
/// <c>nfv run</c> on every file of the bad-topology corpus (tests/Nfv.Host.Tests/BadTopologies): refused with exit code 1
/// and its diagnostics, and nothing made on the machine. The corpus names its TAPs and hosts <c>bt-*</c>.
/// </summary>
public class BadTopologyRunTests
{
    private static string[] Leftovers() =>
        [.. Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Concat(Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName) : [])
            .Where(n => n!.StartsWith("bt-", StringComparison.Ordinal))!];

    [PrivilegedFact]
    public async Task Nfv_run_refuses_each_bad_file_before_it_creates_anything()
    {
        await using var lab = new Lab();
        Assert.Empty(Leftovers());
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "BadTopologies"), "*.yaml").Order().ToList();
        Assert.True(files.Count >= 40);

        foreach (var file in files)
        {
            using var nfv = lab.StartNfv("run", file);
            Assert.True(await nfv.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 1, $"{Path.GetFileName(file)}: {nfv.StandardError}");
            Assert.Matches(@"\(\d+,\d+\): error NFV\d{4}: ", nfv.StandardError);
            Assert.Empty(Leftovers());
        }
    }
}

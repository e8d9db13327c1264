using System.Xml.Linq;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 16, proof 2: <c>nfv test</c> on every shipped topology passes (each run as shipped, in a sandbox); a topology
/// with a route missing fails the right test with a clear message, in the output and in JUnit XML; and a running lab is
/// tested where it runs, not started again.
/// </summary>
public class LabTestCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    public static TheoryData<string> ShippedWithoutVm() => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "topologies"), "*.yaml")
        .Select(Path.GetFileName).Where(f => f != "vm-lab.yaml")!);

    [PrivilegedTheory]
    [MemberData(nameof(ShippedWithoutVm))]
    public async Task Every_shipped_topology_passes_its_own_tests(string file) => await AssertShippedPassesAsync(file);

    [PrivilegedFact(Needs = "qemu-system-x86_64 /var/lib/nfv/vm-image/vmlinuz /var/lib/nfv/vm-image/initrd.gz")]
    public async Task The_shipped_vm_lab_passes_its_own_tests() => await AssertShippedPassesAsync("vm-lab.yaml");

    private static async Task AssertShippedPassesAsync(string file)
    {
        await using var lab = new Lab();
        string path = Path.Combine(AppContext.BaseDirectory, "topologies", file);
        string junit = Path.Combine(lab.Directory, "junit.xml");
        var run = await Sandbox.RunAsync(["dotnet", NfvProcess.NfvDll, "test", path, "--junit", junit, $"--Nfv:StateDirectory={lab.StateDirectory}"], Limit);

        int count = TopologyLoader.Load(path, FunctionDiscovery.Installed()).Topology!.Tests.Count;
        Assert.True(count > 0, $"{file} carries no tests");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"passed: {count} of {count} tests of topology", run.StandardOutput);
        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal((count.ToString(), "0"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!));
    }

    // h1 behind r1, h2 behind r2; r1 has no route to h2's subnet (the mistake), r2 has its way back.
    private static string Broken(Lab lab, string name) => lab.WriteTopology("broken.yaml", $$"""
        name: {{name}}
        functions:
          r1:
            kind: router
            interfaces: { lan: { address: 10.61.1.1/24 }, core: { address: 10.61.0.1/24 } }
          r2:
            kind: router
            interfaces: { lan: { address: 10.61.2.1/24 }, core: { address: 10.61.0.2/24 } }
            routes: [ { prefix: 10.61.1.0/24, via: 10.61.0.1 } ]
        ports:
          p1: { tap: {{lab.Tap("b1")}} }
          p2: { tap: {{lab.Tap("b2")}} }
        links: [ [p1, r1.lan], [r1.core, r2.core], [r2.lan, p2] ]
        hosts:
          {{lab.Host("h1")}}: { port: p1, address: 10.61.1.10/24, gateway: 10.61.1.1 }
          {{lab.Host("h2")}}: { port: p2, address: 10.61.2.10/24, gateway: 10.61.2.1 }
        tests:
          - ping: {{lab.Host("h1")}} -> 10.61.1.1
          - ping: {{lab.Host("h1")}} -> {{lab.Host("h2")}}
          - ping: {{lab.Host("h2")}} -> 10.61.0.1
        """);

    [PrivilegedFact]
    public async Task A_missing_route_fails_the_test_that_crosses_it_and_says_so_in_junit_too()
    {
        await using var lab = new Lab();
        string path = Broken(lab, $"broken-{Path.GetFileName(lab.Directory)}");
        string junit = Path.Combine(lab.Directory, "junit.xml");
        var run = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "test", path, "--junit", junit, $"--Nfv:StateDirectory={lab.StateDirectory}",
            "--address", "127.0.0.1:1"], Limit); // nothing answers there: it starts the lab itself

        Assert.Equal(1, run.ExitCode);
        var lines = run.StandardOutput.Split('\n');
        Assert.Matches($@"^pass  ping {lab.Host("h1")} -> 10\.61\.1\.1 +3/3 replies", lines.Single(l => l.Contains("-> 10.61.1.1", StringComparison.Ordinal)));
        Assert.Matches($@"^FAIL  ping {lab.Host("h1")} -> {lab.Host("h2")} +no reply from 10\.61\.2\.10 to 3 echo requests",
            lines.Single(l => l.Contains($"-> {lab.Host("h2")}", StringComparison.Ordinal)));
        Assert.Contains("FAILED: 2 of 3 tests of topology", run.StandardOutput);

        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal(("3", "1"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!));
        var failure = suite.Elements("testcase").Single(c => c.Element("failure") is not null);
        Assert.Equal($"ping {lab.Host("h1")} -> {lab.Host("h2")}", (string)failure.Attribute("name")!);
        Assert.Contains("no reply from 10.61.2.10", (string)failure.Element("failure")!.Attribute("message")!);
        Assert.Contains("broken.yaml(", failure.Element("failure")!.Value); // where the test is written
        Assert.False(Lab.NamespaceExists(lab.Host("h1")), "the lab nfv test started is left behind");
    }

    [PrivilegedFact]
    public async Task A_running_lab_is_tested_where_it_runs_and_another_topology_is_refused()
    {
        await using var lab = new Lab();
        string path = Broken(lab, $"run-{Path.GetFileName(lab.Directory)}");
        using var nfv = await lab.RunAsync(path);
        string address = (await nfv.ManagementUrlAsync()).Authority;

        var run = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "test", path, "--address", address], Limit);
        Assert.Equal(1, run.ExitCode); // the same mistake, found on the running lab
        Assert.DoesNotContain("starting topology", run.StandardOutput);
        Assert.Contains("FAILED: 2 of 3 tests", run.StandardOutput);
        Assert.True(Lab.NamespaceExists(lab.Host("h1")), "testing a running lab must leave it running");

        string other = lab.WriteTopology("other.yaml", "name: other\nports: { p: { tap: nfv-unused } }\nhosts: { x: { port: p, address: 10.0.0.1/24 } }\ntests: [ { ping: x -> 10.0.0.2 } ]\n");
        var refused = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "test", other, "--address", address], Limit);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"runs topology 'run-{Path.GetFileName(lab.Directory)}', not 'other'", refused.StandardError);
    }
}

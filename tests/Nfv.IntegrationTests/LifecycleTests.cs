namespace Nfv.IntegrationTests;

/// <summary>How nfv starts, refuses to start, and stops: exit codes, messages, and what it leaves behind.</summary>
public class LifecycleTests
{
    [PrivilegedFact]
    public async Task A_running_nfv_does_not_watch_the_folder_it_runs_in()
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("watch.yaml", $$"""
            name: watch
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
            links: [ [p1, lan] ]
            """);
        using var nfv = await lab.RunAsync(path);

        // A watcher on the current folder (appsettings.json's reload) would follow every file written below it.
        var watchers = new DirectoryInfo($"/proc/{nfv.Id}/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget == "anon_inode:inotify");
        Assert.Equal(0, watchers);
    }

    [PrivilegedFact]
    public async Task Ctrl_c_stops_nfv_and_removes_every_tap_and_namespace_it_created()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        string t1 = lab.Tap("t1"), t2 = lab.Tap("t2"), t3 = lab.Tap("t3");
        var path = lab.WriteTopology("stop.yaml", $$"""
            name: stop
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{t1}} }
              p2: { tap: {{t2}} }
              spare: { tap: {{t3}} }
            links: [ [p1, lan], [p2, lan], [spare, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.77.4.1/24 }
              {{h2}}: { port: p2, address: 10.77.4.2/24 }
            """);
        var nfv = await lab.RunAsync(path);

        Assert.True(Lab.NamespaceExists(h1));
        Assert.True(Lab.NamespaceExists(h2));
        Assert.True(Lab.InterfaceExists(t3), "a TAP no host uses stays in the root namespace");
        Assert.Contains("UP", (await Shell.RunAsync("ip", "link", "show", t3)).StandardOutput);
        // The host lines follow the "is up" line a moment later.
        await nfv.WaitForOutputAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape($"host {h1}: 10.77.4.1/24")), TimeSpan.FromSeconds(10));

        int exitCode = await nfv.InterruptAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.False(Lab.NamespaceExists(h1), "namespace h1 left behind");
        Assert.False(Lab.NamespaceExists(h2), "namespace h2 left behind");
        Assert.False(Lab.InterfaceExists(t1));
        Assert.False(Lab.InterfaceExists(t2));
        Assert.False(Lab.InterfaceExists(t3), "TAP left behind");
    }

    [Fact]
    public async Task A_topology_with_errors_exits_non_zero_with_line_and_column_of_each()
    {
        await using var lab = new Lab();
        var path = lab.WriteTopology("bad.yaml", """
            name: bad
            functions:
              lan: { kind: swich }
            ports:
              p1: { tap: this-name-is-far-too-long }
            links:
              - [p1, nowhere]
            """);

        foreach (var verb in new[] { "validate", "run" })
        {
            var nfv = lab.StartNfv(verb, path);
            int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, exitCode);
            Assert.Matches(@"bad\.yaml\(3,\d+\): error NFV0104: .*swich", nfv.StandardError);
            Assert.Matches(@"bad\.yaml\(5,\d+\): error NFV\d{4}: .*15", nfv.StandardError);
            Assert.Matches(@"bad\.yaml\(7,\d+\): error NFV0105: .*nowhere", nfv.StandardError);
        }
    }

    [PrivilegedFact]
    public async Task A_host_name_taken_by_an_existing_namespace_is_refused_before_anything_is_created()
    {
        await using var lab = new Lab();
        string taken = lab.Host("h1");
        string tap = lab.Tap("t1");
        Assert.Equal(0, (await Shell.RunAsync("ip", "netns", "add", taken)).ExitCode);
        var path = lab.WriteTopology("taken.yaml", $$"""
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{tap}} }
            links: [ [p1, lan] ]
            hosts:
              {{taken}}: { port: p1, address: 10.77.5.1/24 }
            """);

        var nfv = lab.StartNfv("run", path);
        int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Matches(@"taken\.yaml\(7,\d+\): error NFV0301: .*" + taken, nfv.StandardError);
        Assert.False(Lab.InterfaceExists(tap), "nothing may be created when the start is refused");
    }
}

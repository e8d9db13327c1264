using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Nfv.Host.Client;
using Nfv.Ip.Headers;
using Nfv.Lab.LabTests;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>
/// <c>nfv test FILE [--junit FILE] [--Nfv:Key=value ...]</c>: runs a topology's <c>tests:</c> against the lab: the one
/// running it (found at <c>--address</c>), or one started for the tests (with the settings given) and stopped after them. Prints a line per test and a verdict, writes
/// JUnit XML for CI, and exits 1 when a test failed.
/// </summary>
internal static class TestCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file whose tests: to run." };
        var junit = new Option<string?>("--junit") { Description = "Also write the results as JUnit XML to this file (for CI)." };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("test", "Runs a topology's tests (ping, tcp, udp, lease) on its running lab, or on one it starts and stops; exits 1 when one fails.")
        {
            file,
            junit,
            address,
            token,
        };
        // Anything else is configuration for the lab it starts, as for `nfv run`: --Nfv:StateDirectory=/tmp/lab.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(file)!, parse.GetValue(junit), parse.GetValue(address)!, parse.GetValue(token),
            [.. parse.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? junit, string address, string? token, string[] runArguments, CancellationToken cancellationToken)
    {
        if (TopologyFile.Load(path, Console.Error, TopologyFile.Settings().PluginDirectories) is not { } topology)
        {
            return 1;
        }
        if (topology.Tests.Count == 0)
        {
            Console.Error.WriteLine($"nfv test: {path} has no tests; add a 'tests:' section, such as 'tests: [ {{ ping: h1 -> h2 }} ]'");
            return 1;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("nfv test: the tests run inside the lab hosts' network namespaces, which needs root; run it with sudo.");
            return 1;
        }
        Uri management;
        using (var probe = ManagementClient.Create(address, token, TimeSpan.FromSeconds(10)))
        {
            var running = await RunningTopologyAsync(probe, cancellationToken);
            if (running is not null && running != topology.Name)
            {
                Console.Error.WriteLine($"nfv test: the nfv on {address} runs topology '{running}', not '{topology.Name}'; stop it, or give the --address of the one that runs '{topology.Name}'.");
                return 1;
            }
            management = probe.BaseAddress!;
            if (running is not null)
            {
                return await TestAsync(topology, management, token, junit, cancellationToken);
            }
        }
        var (started, url) = await StartAsync(path, runArguments, cancellationToken);
        if (started is null)
        {
            return 1;
        }
        try
        {
            return await TestAsync(topology, url!, token, junit, cancellationToken);
        }
        finally
        {
            await StopAsync(started);
        }
    }

    private static async Task<int> TestAsync(ResolvedTopology topology, Uri management, string? token, string? junit, CancellationToken cancellationToken)
    {
        using var http = ManagementClient.Create(management.Authority, token, TimeSpan.FromSeconds(10));
        List<LabTestResult> results;
        try
        {
            results = await RunTestsAsync(topology, http, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"nfv test: the nfv on {management.Authority} stopped answering ({ex.Message}); did it stop?");
            return 1;
        }
        if (junit is not null)
        {
            WriteJunit(junit, topology, results);
        }
        int failed = results.Count(r => !r.Passed);
        Console.Out.WriteLine($"{(failed == 0 ? "passed" : "FAILED")}: {results.Count - failed} of {results.Count} tests of topology '{topology.Name}' passed");
        return failed == 0 ? 0 : 1;
    }

    // The name of the topology the nfv at the address runs, or null when none answers.
    private static async Task<string?> RunningTopologyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync("/api/topology", cancellationToken));
            return json.RootElement.GetProperty("name").GetString();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<List<LabTestResult>> RunTestsAsync(ResolvedTopology topology, HttpClient http, CancellationToken cancellationToken)
    {
        var runner = new LabTestRunner((host, token) => AddressOfAsync(http, host, token));
        var results = new List<LabTestResult>();
        int width = topology.Tests.Max(t => t.Name.Length);
        foreach (var test in topology.Tests)
        {
            var result = await runner.RunAsync(test, cancellationToken);
            results.Add(result);
            Console.Out.WriteLine($"{(result.Passed ? "pass" : "FAIL")}  {test.Name.PadRight(width)}  {result.Detail}");
        }
        return results;
    }

    // A host's IPv4 address as the running nfv says now: its static one, or its lease once it has one (a VM's too).
    private static async Task<Ipv4Address?> AddressOfAsync(HttpClient http, string host, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/api/topology", cancellationToken));
        var written = json.RootElement.GetProperty("hosts").EnumerateArray()
            .FirstOrDefault(h => h.GetProperty("name").GetString() == host) is { ValueKind: JsonValueKind.Object } entry
            ? entry.GetProperty("address").GetString() ?? "" : "";
        return written.Split(", ").Select(a => Ipv4Address.TryParse(a.Split('/')[0], out var v4) ? v4 : (Ipv4Address?)null).FirstOrDefault(a => a is not null);
    }

    // Starts `nfv run FILE` as a child on a free loopback port; its management URI once it says it is up.
    private static async Task<(Process?, Uri?)> StartAsync(string path, string[] runArguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(TestCommand).Assembly.Location); // run as `dotnet nfv.dll`
        }
        foreach (var argument in (string[])["run", path, "--Nfv:Management:Address=127.0.0.1:0", .. runArguments])
        {
            start.ArgumentList.Add(argument);
        }
        Console.Out.WriteLine($"nfv test: starting topology {path} for the tests");
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.Trim() is var text && text.StartsWith("management: http://", StringComparison.Ordinal))
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep its pipe flowing
                    return (process, new Uri(text["management: ".Length..].Split(' ')[0]));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await process.WaitForExitAsync(settle.Token); // its output ended: it is ending
            }
            catch (OperationCanceledException)
            {
            }
        }
        string ended = process.HasExited ? $"nfv run exited with {process.ExitCode}" : $"nfv run did not come up within {StartTimeout.TotalMinutes} minutes";
        await StopAsync(process);
        lock (log)
        {
            Console.Error.WriteLine($"nfv test: the lab did not come up ({ended}):\n{log.ToString().TrimEnd()}");
        }
        return (null, null);
    }

    // SIGINT, as Ctrl-C: the lab removes what it made; killed if it has not ended in 60 s.
    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            _ = Lab.ProcessSignals.Interrupt(process.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.Dispose();
    }

    // One test suite (the topology), one test case per test; a failure's message is what was seen.
    private static void WriteJunit(string path, ResolvedTopology topology, IReadOnlyList<LabTestResult> results)
    {
        static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var total = TimeSpan.FromTicks(results.Sum(r => r.Duration.Ticks));
        var suite = new XElement("testsuite",
            new XAttribute("name", topology.Name),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => !r.Passed)),
            new XAttribute("time", Seconds(total)),
            results.Select(r => new XElement("testcase",
                new XAttribute("classname", topology.Name),
                new XAttribute("name", r.Test.Name),
                new XAttribute("time", Seconds(r.Duration)),
                r.Passed ? new XElement("system-out", r.Detail) : new XElement("failure", new XAttribute("message", r.Detail), $"{r.Test.Span}: {r.Detail}"))));
        new XDocument(new XElement("testsuites", suite)).Save(path);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// A lab host deleted under a running nfv (<c>ip netns del</c>, as a user would, with the host's DHCP client still
/// inside): its port goes down and costs no CPU, the other hosts go on, and the host comes back by restart or when its
/// namespace is made again, with no descriptor left behind.
/// </summary>
public class VanishedHostTests
{
    /// <summary>User and system CPU time of each of nfv's threads (name/tid), from /proc/PID/task/TID/stat, in 10 ms ticks.</summary>
    private static int Descriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    /// <remarks>
    /// Also with two workers and a TAP queue per worker (issue 17): each worker must stop reading its queue of the gone
    /// TAP, and both queues must come back with the host, none left open.
    /// </remarks>
    [PrivilegedTheory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task A_deleted_host_costs_no_cpu_leaves_the_others_alone_and_comes_back(int workers, bool multiQueue)
    {
        await using var lab = new Lab();
        var (path, h1, h2, internet) = lab.ShippedHomeRouter();
        using var nfv = lab.StartNfv("run", path, $"--Nfv:Workers={workers}", $"--Nfv:MultiQueueTaps={multiQueue}");
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(60) };
        await Ping.AssertReachesAsync(h1, "203.0.113.1");

        // Load between the other hosts for the whole test: 100 echoes a second, bounded at 30 s. The first seconds also
        // let the runtime finish compiling what start-up ran, which would otherwise be counted below.
        var load = Shell.InNamespaceAsync(h2, TimeSpan.FromSeconds(45), "ping", "-c", "2500", "-i", "0.01", "-w", "30", "-q", "-n", "203.0.113.1");
        await Task.Delay(5000);
        Assert.Equal(0, (await Shell.RunAsync("ip", "netns", "delete", h1)).ExitCode);

        await Eventually.UntilAsync(async () => await http.StateAsync("hosts", h1) == "down", $"{h1} to be down", TimeSpan.FromSeconds(5));
        await Eventually.UntilAsync(async () => await http.StateAsync("ports", "lan1") == "gone", "its port to be closed", TimeSpan.FromSeconds(10));
        Assert.Equal("up", await http.StateAsync("ports", "lan2"));
        await nfv.WaitForErrorAsync($"Lab host {h1} is down: its network namespace was deleted", TimeSpan.FromSeconds(5));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("nfv_port_up{port=\"lan1\"} 0", metrics);
        Assert.Contains("nfv_port_up{port=\"lan2\"} 1", metrics);

        // Measured per thread: the runtime's background JIT is still compiling what start-up and the load ran, a few
        // hundred ms at first, and is not the port's doing; every other thread counts.
        var before = ThreadTimes.Of(nfv.Id);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var (spent, busiest) = ThreadTimes.Since(nfv.Id, before);
        Assert.True(spent < TimeSpan.FromMilliseconds(500),
            $"nfv used {spent.TotalMilliseconds} ms of CPU in the 10 s after {h1} vanished (more than 5%); busiest threads (10 ms ticks): {busiest}");

        var loss = Regex.Match((await load).StandardOutput, @"(\d+(\.\d+)?)% packet loss");
        Assert.True(loss.Success && double.Parse(loss.Groups[1].Value) < 1, $"traffic between {h2} and {internet} was disturbed: {(await load).StandardOutput}");

        var restart = lab.StartNfv("restart-host", h1, "--address", http.BaseAddress!.Authority);
        Assert.Equal(0, await restart.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Matches($@"host {h1} is up: 192\.168\.10\.\d+/24 router 192\.168\.10\.1 ", restart.StandardOutput);
        Assert.Equal("up", await http.StateAsync("ports", "lan1"));
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        int descriptors = Descriptors(nfv.Id);

        // Deleted and made again by the user: the host comes back by itself, and nothing is left open by the round.
        Assert.Equal(0, (await Shell.RunAsync("ip", "netns", "delete", h1)).ExitCode);
        await Eventually.UntilAsync(async () => await http.StateAsync("hosts", h1) == "down", $"{h1} to be down again", TimeSpan.FromSeconds(5));
        Assert.Equal(0, (await Shell.RunAsync("ip", "netns", "add", h1)).ExitCode);
        try
        {
            await Eventually.UntilAsync(async () => await http.StateAsync("hosts", h1) == "up", $"{h1} to come back", TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{h1} did not come back ({ex.Message}); nfv's log:\n{nfv.StandardError}");
        }
        await Ping.AssertReachesAsync(h1, "203.0.113.1");
        Assert.Equal(descriptors, Descriptors(nfv.Id));
    }

    [PrivilegedFact]
    public async Task Restarting_an_unknown_host_is_a_404_with_the_names_and_only_post_is_allowed()
    {
        await using var lab = new Lab();
        var (path, h1, _, _) = lab.ShippedHomeRouter();
        using var nfv = lab.StartNfv("run", path);
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync(), Timeout = TimeSpan.FromSeconds(30) };

        var missing = await http.PostAsync("/api/hosts/nope/restart", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains($"there is no lab host 'nope'; the hosts are {h1}", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var delete = await http.DeleteAsync($"/api/hosts/{h1}/restart");
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        var post = await http.PostAsync("/api/ports", null);
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }
}

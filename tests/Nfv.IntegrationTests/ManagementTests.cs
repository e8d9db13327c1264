using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>The management API, /metrics and nfv show against a running lab.</summary>
public partial class ManagementTests
{
    [GeneratedRegex(@"^nfv_port_(received|sent)_packets_total\{port=""(\w+)""\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex PortPackets();

    [PrivilegedFact]
    public async Task Metrics_api_and_show_report_what_a_ping_caused()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("mgmt.yaml", $$"""
            name: mgmt
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links: [ [p1, lan], [p2, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.77.6.1/24 }
              {{h2}}: { port: p2, address: 10.77.6.2/24 }
            """);
        var nfv = lab.StartNfv("run", path, "--Nfv:Management:Address=127.0.0.1:0");
        await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var baseUrl = (await nfv.ManagementUrlAsync()).ToString();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };

        // Warm up ARP so the measured burst is echo requests and replies only.
        Assert.Equal(0, (await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(10), "ping", "-c", "1", "-W", "2", "10.77.6.2")).ExitCode);
        var before = Parse(await http.GetStringAsync("/metrics"));
        var ping = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(20), "ping", "-c", "20", "-i", "0.01", "-W", "2", "-q", "10.77.6.2");
        Assert.True(ping.ExitCode == 0, ping.ToString());
        var after = Parse(await http.GetStringAsync("/metrics"));

        // 20 requests in from h1's port and out of h2's, 20 replies the other way; a namespace may add a
        // stray IPv6 or ARP frame or two, never fewer.
        AssertMoved(before, after, "received", "p1", 20);
        AssertMoved(before, after, "sent", "p2", 20);
        AssertMoved(before, after, "received", "p2", 20);
        AssertMoved(before, after, "sent", "p1", 20);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("nfv_function_dropped_packets_total{function=\"lan\",reason=\"vlan_not_allowed\"} 0", metrics);
        Assert.Matches(@"nfv_table_entries\{function=""lan"",table=""mac""\} [2-9]", metrics);

        // The MAC table has h1's address on p1's switch port, and `nfv show mac` prints it.
        var h1Mac = (await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(5), "cat", "/sys/class/net/eth0/address")).StandardOutput.Trim();
        using var mac = JsonDocument.Parse(await http.GetStringAsync("/api/tables/mac"));
        Assert.Contains(mac.RootElement.GetProperty("rows").EnumerateArray(),
            row => row[0].GetString() == "lan" && row[2].GetString() == h1Mac && row[3].GetString() == "p1");
        var show = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "show", "mac", "--address", new Uri(baseUrl).Authority], TimeSpan.FromSeconds(30));
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Matches($@"lan\s+1\s+{h1Mac}\s+p1", show.StandardOutput);

        // Bad requests get a 4xx with the reason.
        var post = await http.PostAsync("/api/ports", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("POST is not allowed here, only GET", await post.Content.ReadAsStringAsync());
        var unknown = await http.GetAsync("/api/tables/routes");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no function in topology 'mgmt' has a 'routes' table", await unknown.Content.ReadAsStringAsync());
        var badLimit = await http.GetAsync("/api/tables/mac?limit=lots");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync());
        var badInstances = await http.GetAsync("/api/tables/mac?instances=every");
        Assert.Equal(HttpStatusCode.BadRequest, badInstances.StatusCode);
        Assert.Contains("instances must be 'each'", await badInstances.Content.ReadAsStringAsync());
        // A switch run once has one table whether asked for each instance or not.
        var each = await http.GetJsonAsync("/api/tables/mac?instances=each");
        Assert.Contains(each.GetProperty("rows").EnumerateArray(), row => row[0].GetString() == "lan" && row[2].GetString() == h1Mac);
    }

    [PrivilegedFact]
    public async Task A_management_address_off_loopback_without_a_token_is_refused_before_anything_is_created()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1");
        string tap = lab.Tap("t1");
        var path = lab.WriteTopology("open.yaml", $$"""
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{tap}} }
            links: [ [p1, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.77.7.1/24 }
            """);

        var nfv = lab.StartNfv("run", path, "--Nfv:Management:Address=0.0.0.0:0");
        int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("not loopback, without a token", nfv.StandardError);
        Assert.False(Lab.NamespaceExists(h1));
        Assert.False(Lab.InterfaceExists(tap));
    }

    private static Dictionary<(string, string), long> Parse(string metrics) =>
        PortPackets().Matches(metrics).ToDictionary(m => (m.Groups[1].Value, m.Groups[2].Value), m => long.Parse(m.Groups[3].Value));

    private static void AssertMoved(Dictionary<(string, string), long> before, Dictionary<(string, string), long> after, string direction, string port, int expected)
    {
        long moved = after[(direction, port)] - before[(direction, port)];
        Assert.True(moved >= expected && moved <= expected + 4, $"{direction} on {port} moved by {moved}, expected {expected} (+ at most 4 strays)");
    }
}

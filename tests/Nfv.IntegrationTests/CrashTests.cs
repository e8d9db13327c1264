using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// nfv killed with SIGKILL in the middle of DHCP traffic, again and again: the next run cleans up what the killed one
/// left, no lease a host holds is lost or given to another, and every host gets its address back.
/// </summary>
public class CrashTests
{
    /// <summary>Rounds of start, churn, kill -9. The suite runs 10; <c>NFV_KILL_ROUNDS=50</c> runs the issue's 50.</summary>
    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("NFV_KILL_ROUNDS"), out int n) && n > 0 ? n : 10;

    /// <summary>The last state of each address in the DHCP server's lease journal: address -> (state, MAC).</summary>
    private static Dictionary<string, (string State, string Mac)> Journal(string path)
    {
        var leases = new Dictionary<string, (string, string)>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var f = line.Split(' ');
            leases[f[0]] = (f[1], f[3]);
        }
        return leases;
    }

    [PrivilegedFact]
    public async Task Killing_nfv_during_dhcp_churn_loses_no_lease_and_every_host_gets_its_address_back()
    {
        await using var lab = new Lab();
        string[] hosts = [lab.Host("a"), lab.Host("b"), lab.Host("c"), lab.Host("d")];
        var path = lab.WriteTopology("crash.yaml", $$"""
            name: crash
            functions:
              lan: { kind: switch }
              dhcp: { kind: dhcp, address: 10.82.0.1/24, pool: 10.82.0.100-10.82.0.199, lease: 1h }
            ports:
              {{string.Join("\n  ", hosts.Select((h, i) => $"p{i}: {{ tap: {lab.Tap($"t{i}")} }}"))}}
            links:
              - [dhcp, lan]
              {{string.Join("\n  ", hosts.Select((h, i) => $"- [p{i}, lan]"))}}
            hosts:
              {{string.Join("\n  ", hosts.Select((h, i) => $"{h}: {{ port: p{i}, address: dhcp }}"))}}
            """);
        var journal = Path.Combine(lab.StateDirectory, "crash", "dhcp.leases");
        var held = new Dictionary<string, string>(); // host -> the address it held when nfv was killed
        var random = new Random(11);

        for (int round = 0; round < Rounds; round++)
        {
            var nfv = lab.StartNfv("run", path);
            await nfv.WaitReadyAsync(TimeSpan.FromSeconds(60));
            if (round > 0)
            {
                Assert.Contains("left by a run of 'crash'", nfv.StandardError);
            }
            var now = new Dictionary<string, string>();
            foreach (var host in hosts)
            {
                var line = await nfv.WaitForOutputAsync(new Regex($@"host {host}: (10\.82\.0\.\d+)/24 "), TimeSpan.FromSeconds(5));
                now[host] = line.Groups[1].Value;
            }
            foreach (var (host, address) in held)
            {
                Assert.True(now[host] == address, $"round {round}: {host} held {address} when nfv was killed, and got {now[host]} after");
            }
            Assert.Equal(hosts.Length, now.Values.Distinct().Count());

            // Churn: a host restarts (its client asks again, the server writes its journal), and nfv is killed 0-300 ms later.
            using var http = new HttpClient { BaseAddress = await nfv.ManagementUrlAsync() };
            _ = http.PostAsync($"/api/hosts/{hosts[random.Next(hosts.Length)]}/restart", null).ContinueWith(t => t.Exception);
            await Task.Delay(random.Next(300));
            nfv.Kill();

            var leases = Journal(journal);
            foreach (var (host, address) in now)
            {
                Assert.True(leases.TryGetValue(address, out var lease) && lease.State == "bound",
                    $"round {round}: {host} holds {address}, which the journal does not have as bound");
            }
            var bound = leases.Where(l => l.Value.State == "bound").ToList();
            Assert.Equal(bound.Count, bound.Select(l => l.Value.Mac).Distinct().Count());
            held = now;
        }
    }
}

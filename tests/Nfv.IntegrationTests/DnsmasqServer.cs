using System.Diagnostics;
using System.Text;

namespace Nfv.IntegrationTests;

/// <summary>
/// dnsmasq as a DHCP server in a test's namespace (docs/tap-and-lab-notes.md): no config file, no DNS, no ping before
/// an offer, its lease file in the lab's folder. Stopping sends SIGTERM to the process it started, and only to it.
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private DnsmasqServer(Process process, string leaseFile)
    {
        _process = process;
        LeaseFile = leaseFile;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>dnsmasq's lease file: one line per lease, <c>expiry mac ip hostname clientid</c>.</summary>
    public string LeaseFile { get; }

    /// <summary>What dnsmasq logged (<c>--log-dhcp</c>): <c>DHCPACK(eth0) 10.78.0.133 MAC</c>, <c>DHCPRELEASE(eth0) ...</c>.</summary>
    public string Log { get { lock (_log) { return _log.ToString(); } } }

    /// <summary>
    /// Serves <c>PREFIX.100</c>–<c>PREFIX.150</c> (/24) in <paramref name="ns"/> on <paramref name="interfaceName"/>,
    /// which must already hold an address in that subnet; router <c>PREFIX.1</c>, DNS <c>PREFIX.53</c> and
    /// <c>PREFIX.54</c>, domain <c>lab.test</c>. <paramref name="extra"/> adds options (<c>--dhcp-option=option:T1,5</c>).
    /// Waits until dnsmasq says it serves the range.
    /// </summary>
    public static async Task<DnsmasqServer> StartAsync(Lab lab, string ns, string interfaceName, string prefix, string leaseTime = "2m", params string[] extra)
    {
        var leases = Path.Combine(lab.Directory, $"dnsmasq-{ns}.leases");
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "netns", "exec", ns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0", $"--interface={interfaceName}",
            "--bind-interfaces", "--dhcp-authoritative", "--no-ping", $"--dhcp-range={prefix}.100,{prefix}.150,255.255.255.0,{leaseTime}",
            $"--dhcp-option=option:router,{prefix}.1", $"--dhcp-option=option:dns-server,{prefix}.53,{prefix}.54",
            "--dhcp-option=option:domain-name,lab.test", $"--dhcp-leasefile={leases}",
            $"--pid-file={Path.Combine(lab.Directory, $"dnsmasq-{ns}.pid")}", "--log-dhcp", "--log-facility=-", .. extra])
        {
            start.ArgumentList.Add(argument);
        }
        var server = lab.Add(new DnsmasqServer(Process.Start(start) ?? throw new InvalidOperationException("could not start dnsmasq"), leases));
        await server.WaitForLogAsync("DHCP, IP range", TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>
    /// Waits until the log holds <paramref name="text"/> (<paramref name="times"/> times); throws with the log when it
    /// does not in time. The log is read from dnsmasq's output as it comes, so it can trail what clients already saw.
    /// </summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout, int times = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count(text) < times)
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"dnsmasq did not log '{text}' within {timeout.TotalSeconds} s (exited: {_process.HasExited}):\n{Log}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the lease file holds <paramref name="count"/> leases and returns them: dnsmasq rewrites it after it
    /// answers, so a client can hold a lease (or have released it) a moment before the file says so.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForLeasesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var leases = Leases();
            if (leases.Count == count)
            {
                return leases;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"dnsmasq's lease file holds {leases.Count} lease(s), not {count}, after {timeout.TotalSeconds} s:\n{string.Join('\n', leases)}\n{Log}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Counts the times the log holds <paramref name="text"/>.</summary>
    public int Count(string text) => Log.Split(text).Length - 1;

    /// <summary>The lines of the lease file (empty when it holds none).</summary>
    public IReadOnlyList<string> Leases() =>
        File.Exists(LeaseFile) ? File.ReadAllLines(LeaseFile).Where(l => l.Length > 0).ToArray() : [];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // SIGKILL to this process id only: dnsmasq --no-daemon has no children here
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}

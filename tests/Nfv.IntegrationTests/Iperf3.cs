using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>An iperf3 TCP run between two lab hosts, bounded in time, with the assertions every lab test makes.</summary>
public static class Iperf3
{
    /// <summary>
    /// Runs <c>iperf3 -c ADDRESS -t SECONDS -P FLOWS</c> in <paramref name="client"/> against a one-shot server in
    /// <paramref name="server"/> bound to <paramref name="address"/> (<c>-1</c>: it serves one client and exits; the
    /// timeout bounds it if the client never comes), asserts both ended well, and returns what the server received.
    /// </summary>
    public static async Task<(long Bytes, double BitsPerSecond)> TcpAsync(string client, string server, string address, int seconds = 3, int flows = 1)
    {
        var timeout = TimeSpan.FromSeconds(seconds + 27);
        var serverRun = Shell.InNamespaceAsync(server, timeout, "iperf3", "-s", "-1", "-B", address);
        await Task.Delay(500);
        var run = await Shell.InNamespaceAsync(client, timeout, "iperf3", "-c", address, "-t", $"{seconds}", "-P", $"{flows}", "-J");
        var serverResult = await serverRun;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, serverResult.ExitCode);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var received = json.RootElement.GetProperty("end").GetProperty("sum_received");
        return (received.GetProperty("bytes").GetInt64(), received.GetProperty("bits_per_second").GetDouble());
    }
}

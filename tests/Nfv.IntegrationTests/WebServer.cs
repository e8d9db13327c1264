namespace Nfv.IntegrationTests;

/// <summary>A web server (python3 -m http.server) in a lab namespace, stopped with the lab by its process id.</summary>
public static class WebServer
{
    /// <summary>
    /// Starts a server on <paramref name="address"/>:<paramref name="port"/> in <paramref name="host"/> and waits until it
    /// answers (bounded); returns the path of its access log (one line per request, client address first).
    /// </summary>
    public static async Task<string> StartAsync(Lab lab, string host, string address, int port)
    {
        string log = Path.Combine(lab.Directory, $"http-{host}-{port}.log");
        LabProcess.Start(lab, host, "sh", "-c",
            $"exec /usr/bin/python3 -m http.server {port} --bind {address} --directory {lab.Directory} 2>>{log}");
        for (int i = 0; i < 50; i++)
        {
            var probe = await Shell.InNamespaceAsync(host, TimeSpan.FromSeconds(5), "curl", "-s", "-o", "/dev/null", "-m", "1", $"http://{address}:{port}/");
            if (probe.ExitCode == 0)
            {
                return log;
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"the web server in {host} did not start");
    }
}

using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nfv.IntegrationTests;

/// <summary>
/// Debian's Chromium, headless, driven through the DevTools protocol over its WebSocket: open a page, evaluate
/// JavaScript in it. Enough to check what a page shows without a browser-automation package (whose browser downloads
/// this machine cannot reach). Ends the browser it started, by its id.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex Listening();

    /// <summary>Starts the browser with one blank page and connects to that page.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Directory.CreateTempSubdirectory("nfv-chromium-").FullName;
        var start = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
            $"--user-data-dir={profile}", "about:blank"])
        {
            start.ArgumentList.Add(argument);
        }
        var browser = new HeadlessChromium(Process.Start(start)!, profile);
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? endpoint = null;
            while (endpoint is null && await browser._process.StandardError.ReadLineAsync(deadline.Token) is { } line)
            {
                endpoint = Listening().Match(line) is { Success: true } m ? m.Groups[1].Value : null;
            }
            _ = browser._process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = browser._process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var debugging = new Uri(endpoint ?? throw new InvalidOperationException("chromium did not open its DevTools port"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://{debugging.Authority}/json/list"))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), deadline.Token);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> in the page.</summary>
    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>The value of <paramref name="expression"/> in the page (JSON-serializable), or null.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        return result?["result"]?["value"];
    }

    // Sends one command and returns its result, skipping the events the browser sends in between.
    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters)
    {
        int id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, true, deadline.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, deadline.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            var reply = JsonNode.Parse(message.ToArray());
            if ((int?)reply?["id"] == id)
            {
                return reply?["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply?["result"];
            }
        }
    }

    /// <summary>Ends the browser (and what it started) and removes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}

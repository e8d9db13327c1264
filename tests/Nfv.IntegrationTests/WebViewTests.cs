namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 16, proof 4: the web view served by the management API, in headless Chromium: the page draws every function
/// of the running topology, a port's counter moves after traffic, and a function's tables open on click.
/// </summary>
public class WebViewTests
{
    [PrivilegedFact(Needs = "chromium")]
    public async Task The_page_shows_every_function_and_its_counters_follow_the_traffic()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("web.yaml", $$"""
            name: web-{{Path.GetFileName(lab.Directory)}}
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("w1")}} }
              p2: { tap: {{lab.Tap("w2")}} }
            links:
              - [p1, lan]
              - { endpoints: [p2, lan], impair: { delay: 1ms } }
            hosts:
              {{h1}}: { port: p1, address: 10.64.0.1/24 }
              {{h2}}: { port: p2, address: 10.64.0.2/24 }
            """);
        using var nfv = await lab.RunAsync(path);
        var url = await nfv.ManagementUrlAsync();
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(url.ToString());

        // Every function of the topology is drawn (the link's impairment is a function too), with the ports and hosts.
        await Eventually.UntilAsync(async () => (string?)await browser.EvaluateAsync(
                "[...document.querySelectorAll('[data-node]')].map(n => n.dataset.node).sort().join(' ')") ==
            $"function:impair-p2-lan function:lan host:{h1} host:{h2} port:p1 port:p2",
            "the page to draw the topology", TimeSpan.FromSeconds(20));

        // The counters arrive live; a burst of pings moves p1's.
        const string Received = "Number(document.querySelector('[data-node=\"port:p1\"]').dataset.received ?? -1)";
        long before = -1;
        await Eventually.UntilAsync(async () => (before = (long)(double)(await browser.EvaluateAsync(Received))!) >= 0, "the first counters", TimeSpan.FromSeconds(10));
        var ping = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(20), "ping", "-c", "20", "-i", "0.05", "-q", "10.64.0.2");
        Assert.True(ping.ExitCode == 0, ping.ToString());
        await Eventually.UntilAsync(async () => (long)(double)(await browser.EvaluateAsync(Received))! >= before + 20,
            "p1's received counter on the page to count the pings", TimeSpan.FromSeconds(10));
        Assert.StartsWith("live", (string?)await browser.EvaluateAsync("document.getElementById('status').textContent"));

        // A click on the switch shows its MAC table, with h1's MAC learned on p1's switch port.
        string mac = (await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(5), "cat", "/sys/class/net/eth0/address")).StandardOutput.Trim();
        await browser.EvaluateAsync("document.querySelector('[data-node=\"function:lan\"]').dispatchEvent(new MouseEvent('click'))");
        await Eventually.UntilAsync(async () => ((string?)await browser.EvaluateAsync("document.getElementById('panel').textContent") ?? "").Contains(mac, StringComparison.Ordinal),
            "the switch's MAC table in the panel", TimeSpan.FromSeconds(10));
        Assert.StartsWith("mac (", (string?)await browser.EvaluateAsync("document.querySelector('#panel h3').textContent"));
    }
}

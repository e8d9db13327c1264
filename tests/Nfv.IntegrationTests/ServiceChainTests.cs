using System.Globalization;
using System.Text.Json;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 13, proof 4: a chain of firewall → policer → router with a class steered around the policer, between real
/// hosts: the counters of each function show which packets went where, and a trace shows each hop of each path.
/// </summary>
public class ServiceChainTests
{
    private const string Host = "10.77.17.10", Internet = "198.51.117.10";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [PrivilegedFact]
    public async Task A_class_steered_around_the_policer_skips_it_both_ways_and_the_rest_goes_through()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), internet = lab.Host("net");
        using var nfv = await lab.RunAsync(lab.WriteTopology("chain.yaml", $$"""
            functions:
              fw: { kind: firewall, rules: [ { action: allow, from: inside } ] }
              sff:
                kind: steer
                chains: [policed]
                classes: [ { name: voice, dscp: 46, chain: direct } ]
                default: policed
              police: { kind: policer, rate: 20mbit }
              gw:
                kind: router
                interfaces:
                  lan: { address: 10.77.17.1/24 }
                  wan: { address: 198.51.117.1/24 }
            ports:
              lan: { tap: {{lab.Tap("lan")}} }
              wan: { tap: {{lab.Tap("wan")}} }
            links:
              - [lan, fw.inside]
              - [fw.outside, sff.inside]
              - [sff.policed, police.inside]
              - [police.outside, sff.policed-end]
              - [sff.outside, gw.lan]
              - [gw.wan, wan]
            hosts:
              {{h1}}: { port: lan, address: {{Host}}/24, gateway: 10.77.17.1 }
              {{internet}}: { port: wan, address: {{Internet}}/24, gateway: 198.51.117.1 }
            """));
        var management = await nfv.ManagementUrlAsync();
        using var http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(10) };
        await Ping.AssertReachesAsync(h1, Internet); // ARP settled on every hop

        // Ten voice pings (DSCP 46 both ways: a Linux echo reply keeps the request's TOS), then ten ordinary ones.
        var (policedBefore, voiceBefore, policerBefore) = await CountsAsync(http);
        Assert.Equal(0, (await Ping.RunAsync(h1, Internet, 10, "-Q", "0xb8", "-i", "0.05")).ExitCode);
        var (policedVoice, voiceVoice, policerVoice) = await CountsAsync(http);
        Assert.Equal(0, (await Ping.RunAsync(h1, Internet, 10, "-i", "0.05")).ExitCode);
        var (policedAfter, voiceAfter, policerAfter) = await CountsAsync(http);

        Assert.Equal((10, 10), (voiceVoice.Out - voiceBefore.Out, voiceVoice.In - voiceBefore.In));   // the direct way, both ways
        Assert.Equal(policerBefore, policerVoice);                                                   // the policer saw none of them
        // The default chain takes the ordinary pings both ways (and an ARP refresh, should one fall in the window).
        Assert.InRange(policedAfter.Out - policedVoice.Out, 10, 12);
        Assert.InRange(policedAfter.In - policedVoice.In, 10, 12);
        Assert.Equal(20, policerAfter - policerVoice);                                               // it saw every ordinary one
        Assert.Equal(voiceVoice, voiceAfter);

        // A trace of each: the voice request goes fw → sff → gw; the ordinary one fw → sff → police → sff → gw.
        string voiceTrace = await TraceOnePingAsync(lab, management.Authority, h1, "-Q", "0xb8");
        Assert.Matches(@"sff\s+inside\s+class voice: chain direct, outbound", voiceTrace);
        Assert.DoesNotContain("police ", voiceTrace);
        Assert.Matches(@"gw\s+lan\s+route 198\.51\.117\.0/24 out wan", voiceTrace);
        string ordinaryTrace = await TraceOnePingAsync(lab, management.Authority, h1);
        Assert.Matches(@"sff\s+inside\s+no class: chain policed, outbound", ordinaryTrace);
        Assert.Matches(@"police\s+inside\s+", ordinaryTrace);
        Assert.Matches(@"gw\s+lan\s+route 198\.51\.117\.0/24 out wan", ordinaryTrace);
    }

    private static async Task<((long Out, long In) Policed, (long Out, long In) Voice, long PolicerPackets)> CountsAsync(HttpClient http)
    {
        var chains = (await http.GetJsonAsync("/api/tables/chains")).GetProperty("rows").EnumerateArray().ToList();
        (long, long) Chain(string name) => chains.Where(r => r[1].GetString() == name).Select(r => (Number(r[3]), Number(r[5]))).Single();
        var policer = (await http.GetJsonAsync("/api/tables/policer")).GetProperty("rows")[0];
        return (Chain("policed"), Chain("direct"), Number(policer[6]) + Number(policer[8]));
    }

    private static long Number(JsonElement cell) => long.Parse(cell.GetString()!, CultureInfo.InvariantCulture);

    private static async Task<string> TraceOnePingAsync(Lab lab, string address, string host, params string[] extra)
    {
        var trace = lab.StartNfv("trace", "--count", "1", "--filter", "in lan icmp", "--address", address);
        await trace.WaitForErrorAsync("waiting for 1 packet", Wait);
        await Ping.RunAsync(host, Internet, 1, extra);
        Assert.Equal(0, await trace.WaitForExitAsync(Wait));
        return trace.StandardOutput;
    }
}

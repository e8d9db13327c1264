using static Nfv.IntegrationTests.CaptureTests;

namespace Nfv.IntegrationTests;

/// <summary><c>nfv capture</c> and <c>nfv trace</c> against a running lab, with real ping.</summary>
public class TraceCaptureTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<(Lab Lab, NfvProcess Nfv, string Address, string H1, string H2)> SwitchLabAsync(string subnet, params string[] settings)
    {
        var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("observe.yaml", $$"""
            name: observe
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links: [ [p1, lan], [p2, lan] ]
            hosts:
              {{h1}}: { port: p1, address: {{subnet}}.1/24 }
              {{h2}}: { port: p2, address: {{subnet}}.2/24 }
            """);
        var nfv = await lab.RunAsync(path, settings);
        return (lab, nfv, (await nfv.ManagementUrlAsync()).Authority, h1, h2);
    }

    [PrivilegedFact(Needs = "tshark")]
    public async Task Capture_of_a_link_by_its_port_name_during_a_ping_writes_the_echo_request_and_reply_to_a_pcap()
    {
        var (lab, _, address, h1, _) = await SwitchLabAsync("10.81.0");
        await using var _ = lab;
        var file = Path.Combine(lab.Directory, "p2.pcap");

        // The link p2 <-> lan.p2, named by its switch end; the ping crosses it both ways.
        var capture = lab.StartNfv("capture", "lan.p2", "-w", file, "--count", "8", "--address", address);
        await capture.WaitForErrorAsync("capturing link p2 <-> lan.p2", Wait);
        var ping = await Ping.RunAsync(h1, "10.81.0.2", count: 8);
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.Equal(0, await capture.WaitForExitAsync(Wait));

        Assert.Contains("8 frames of link p2 <-> lan.p2 written to", capture.StandardError);
        var icmp = ReadIcmp(file);
        Assert.Contains(icmp, p => p.Type == IcmpV4Type.EchoRequest && p.Source == "10.81.0.1" && p.Destination == "10.81.0.2");
        Assert.Contains(icmp, p => p.Type == IcmpV4Type.EchoReply && p.Source == "10.81.0.2" && p.Destination == "10.81.0.1");
        // tshark reads the file too, and finds echo requests in it.
        var tshark = await Shell.RunAsync("tshark", ["-r", file, "-Y", "icmp.type == 8"], Wait);
        Assert.True(tshark.ExitCode == 0, tshark.ToString());
        Assert.Contains("Echo (ping) request", tshark.StandardOutput);
    }

    [PrivilegedFact]
    public async Task A_capture_running_across_nfv_apply_goes_on_recording_its_link()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2"), h3 = lab.Host("h3");
        string t1 = lab.Tap("t1"), t2 = lab.Tap("t2"), t3 = lab.Tap("t3");
        // The second file adds a port, a host and a link to the switch before p2: the switch is rebuilt with three ports.
        string Topology(bool third) => $$"""
            name: observe-apply
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{t1}} }
              {{(third ? $"p3: {{ tap: {t3} }}" : "")}}
              p2: { tap: {{t2}} }
            links: [ [p1, lan], {{(third ? "[p3, lan], " : "")}}[p2, lan] ]
            hosts:
              {{h1}}: { port: p1, address: 10.84.0.1/24 }
              {{h2}}: { port: p2, address: 10.84.0.2/24 }
              {{(third ? $"{h3}: {{ port: p3, address: 10.84.0.3/24 }}" : "")}}
            """;
        var nfv = await lab.RunAsync(lab.WriteTopology("observe.yaml", Topology(third: false)));
        string address = (await nfv.ManagementUrlAsync()).Authority;
        var file = Path.Combine(lab.Directory, "p2.pcap");
        var capture = lab.StartNfv("capture", "lan.p2", "-w", file, "--count", "6", "--address", address);
        await capture.WaitForErrorAsync("capturing link p2 <-> lan.p2", Wait);

        var applied = await Shell.RunAsync("dotnet", [NfvProcess.NfvDll, "apply", lab.WriteTopology("observe2.yaml", Topology(third: true)), "--address", address], Wait);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        var ping = await Ping.RunAsync(h1, "10.84.0.2", count: 4);
        Assert.True(ping.ExitCode == 0, ping.ToString());

        // Every frame it wrote crossed after the apply (the hosts were quiet before): ARP, then the pings.
        Assert.Equal(0, await capture.WaitForExitAsync(Wait));
        Assert.Contains("6 frames of link p2 <-> lan.p2 written to", capture.StandardError);
        Assert.Contains(ReadIcmp(file), p => p.Type == IcmpV4Type.EchoRequest && p.Source == "10.84.0.1" && p.Destination == "10.84.0.2");
    }

    /// <remarks>
    /// With two workers and each TAP on one (no TAP queue per worker), p1 and the switch are on the first and p2 on the
    /// second: each frame crosses once, and the trace follows it, saying where.
    /// </remarks>
    [PrivilegedTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Trace_through_a_switch_shows_the_function_its_decision_and_the_output_port_and_bad_names_are_refused(int workers)
    {
        var (lab, _, address, h1, _) = await SwitchLabAsync("10.81.1", $"--Nfv:Workers={workers}", "--Nfv:MultiQueueTaps=false");
        await using var _ = lab;
        await Ping.AssertReachesAsync(h1, "10.81.1.2"); // ARP settled: the trace sees known unicast

        var trace = lab.StartNfv("trace", "--count", "2", "--filter", "icmp host 10.81.1.2", "--address", address);
        await trace.WaitForErrorAsync("waiting for 2 packets", Wait);
        await Ping.RunAsync(h1, "10.81.1.2", count: 1);
        Assert.Equal(0, await trace.WaitForExitAsync(Wait));

        var output = trace.StandardOutput;
        Assert.Matches(@"packet 1: \S+ on p1, 98 bytes: .*IPv4 10\.81\.1\.1 > 10\.81\.1\.2, ttl 64, ICMP echo request", output);
        Assert.Matches(@"packet 2: \S+ on p2, 98 bytes: .*IPv4 10\.81\.1\.2 > 10\.81\.1\.1, ttl 64, ICMP echo reply", output);
        Assert.Matches(@"HOP\s+FUNCTION\s+IN\s+EVENT", output);
        Assert.Matches(@"1\s+lan\s+p1\s+\S+ is on p2 \(VLAN 1\): forwarded", output);
        Assert.Matches(@"1\s+lan\s+p1\s+out p2 -> port p2", output);
        Assert.Matches(@"1\s+lan\s+p2\s+out p1 -> port p1", output);
        if (workers == 2)
        {
            Assert.Matches(@"1\s+port p2\s+-\s+handed over to worker 1", output); // the request, to p2's worker
            Assert.Matches(@"1\s+lan\.p2\s+-\s+handed over to worker 0", output); // the reply, from p2's worker to the switch's
        }

        // A link no end of which has that name; a filter that does not parse; an address nothing answers on.
        var badLink = lab.StartNfv("capture", "nope", "-w", Path.Combine(lab.Directory, "x.pcap"), "--address", address);
        Assert.Equal(1, await badLink.WaitForExitAsync(Wait));
        Assert.Contains("nfv capture: no link of topology 'observe' has an end named 'nope'; links here: p1 <-> lan.p1, p2 <-> lan.p2", badLink.StandardError);
        var badPort = lab.StartNfv("trace", "--filter", "in p9", "--address", address);
        Assert.Equal(1, await badPort.WaitForExitAsync(Wait));
        Assert.Contains("no external port 'p9'; ports here: p1, p2", badPort.StandardError);
        var notRunning = lab.StartNfv("trace", "--address", "127.0.0.1:1");
        Assert.Equal(1, await notRunning.WaitForExitAsync(Wait));
        Assert.Contains("nfv trace: no nfv answers on 127.0.0.1:1", notRunning.StandardError);
    }

    [PrivilegedFact]
    public async Task Trace_through_a_router_shows_the_route_the_next_hop_and_the_output_interface()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("routed.yaml", $$"""
            name: routed
            functions:
              gw:
                kind: router
                interfaces:
                  a: { address: 10.81.2.1/24 }
                  b: { address: 10.81.3.1/24 }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links: [ [p1, gw.a], [p2, gw.b] ]
            hosts:
              {{h1}}: { port: p1, address: 10.81.2.10/24, gateway: 10.81.2.1 }
              {{h2}}: { port: p2, address: 10.81.3.20/24, gateway: 10.81.3.1 }
            """);
        var nfv = await lab.RunAsync(path);
        var address = (await nfv.ManagementUrlAsync()).Authority;
        await Ping.AssertReachesAsync(h1, "10.81.3.20");

        var trace = lab.StartNfv("trace", "--count", "1", "--filter", "in p1 icmp", "--address", address);
        await trace.WaitForErrorAsync("waiting for 1 packet", Wait);
        await Ping.RunAsync(h1, "10.81.3.20", count: 1);
        Assert.Equal(0, await trace.WaitForExitAsync(Wait));

        var output = trace.StandardOutput;
        Assert.Matches(@"packet 1: \S+ on p1, 98 bytes: .*IPv4 10\.81\.2\.10 > 10\.81\.3\.20, ttl 64, ICMP echo request", output);
        Assert.Matches(@"1\s+gw\s+a\s+route 10\.81\.3\.0/24 out b \(connected\)", output);
        Assert.Matches(@"1\s+gw\s+a\s+next hop 10\.81\.3\.20 is at \S+: TTL decremented, MACs rewritten", output);
        Assert.Matches(@"1\s+gw\s+a\s+out b -> port p2", output);
    }
}

using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Nfv.IntegrationTests;

/// <summary><c>capture:</c> on a link of a running topology, checked with real ping and read back with SharpPcap.</summary>
public class CaptureTests
{
    [PrivilegedFact]
    public async Task A_captured_link_records_the_echo_request_and_reply_of_a_ping()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1"), h2 = lab.Host("h2");
        var path = lab.WriteTopology("captured.yaml", $$"""
            name: captured
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{lab.Tap("t1")}} }
              p2: { tap: {{lab.Tap("t2")}} }
            links:
              - { endpoints: [p1, lan], capture: p1.pcap }
              - [p2, lan]
            hosts:
              {{h1}}: { port: p1, address: 10.79.0.1/24 }
              {{h2}}: { port: p2, address: 10.79.0.2/24 }
            """);
        var nfv = await lab.RunAsync(path);

        var ping = await Shell.InNamespaceAsync(h1, TimeSpan.FromSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "2", "-n", "10.79.0.2");
        Assert.True(ping.ExitCode == 0, $"{h1} should reach 10.79.0.2: {ping}");
        // A graceful stop writes what the capture still holds and closes the file.
        Assert.Equal(0, await nfv.InterruptAsync(TimeSpan.FromSeconds(30)));

        var icmp = ReadIcmp(Path.Combine(lab.Directory, "p1.pcap"));
        Assert.Contains(icmp, p => p.Type == IcmpV4Type.EchoRequest && p.Source == "10.79.0.1" && p.Destination == "10.79.0.2");
        Assert.Contains(icmp, p => p.Type == IcmpV4Type.EchoReply && p.Source == "10.79.0.2" && p.Destination == "10.79.0.1");
        Assert.Equal(3, icmp.Count(p => p.Type == IcmpV4Type.EchoRequest));
        Assert.Equal(3, icmp.Count(p => p.Type == IcmpV4Type.EchoReply));
        Assert.Contains("Capture of link p1 <-> lan.p1 closed: ", nfv.StandardError);
    }

    [PrivilegedFact]
    public async Task A_capture_file_that_cannot_be_created_stops_the_start_with_one_line_and_removes_the_lab()
    {
        await using var lab = new Lab();
        string h1 = lab.Host("h1");
        string tap = lab.Tap("t1");
        var path = lab.WriteTopology("nodir.yaml", $$"""
            functions:
              lan: { kind: switch }
            ports:
              p1: { tap: {{tap}} }
            links:
              - { endpoints: [p1, lan], capture: no-such-dir/p1.pcap }
            hosts:
              {{h1}}: { port: p1, address: 10.79.1.1/24 }
            """);

        var nfv = lab.StartNfv("run", path);
        int exitCode = await nfv.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains($"nfv run: could not set up topology 'nodir': cannot create pcap file '{Path.Combine(lab.Directory, "no-such-dir", "p1.pcap")}'", nfv.StandardError);
        Assert.False(Lab.InterfaceExists(tap), "the TAP must be removed after a failed start");
        Assert.False(Lab.NamespaceExists(h1), "the namespace must be removed after a failed start");
    }

    internal static List<(IcmpV4Type Type, string Source, string Destination)> ReadIcmp(string file)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        using var reader = new CaptureFileReaderDevice(file);
        reader.Open();
        var found = new List<(IcmpV4Type, string, string)>();
        while (reader.GetNextPacket(out PacketCapture capture) == GetPacketStatus.PacketRead)
        {
            var raw = capture.GetPacket();
            if (raw.GetPacket().Extract<IcmpV4Packet>() is { } icmp && icmp.ParentPacket is IPv4Packet ip)
            {
                found.Add((icmp.TypeCode is IcmpV4TypeCode.EchoRequest ? IcmpV4Type.EchoRequest : icmp.TypeCode is IcmpV4TypeCode.EchoReply ? IcmpV4Type.EchoReply : IcmpV4Type.Other,
                    ip.SourceAddress.ToString(), ip.DestinationAddress.ToString()));
            }
        }
        return found;
    }

    internal enum IcmpV4Type
    {
        EchoRequest,
        EchoReply,
        Other,
    }
}

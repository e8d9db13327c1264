using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Dhcp.Tests.DhcpFrames;

namespace Nfv.Functions.Dhcp.Tests;

/// <summary>Leases on disk: written before the ACK, read back after a restart, compacted, never handed out twice.</summary>
public sealed class PersistenceTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA1);
    private static readonly MacAddress B = FrameBuilder.Mac(0xB2);
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-dhcp-test-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string LeaseFilePath => Path.Combine(_directory, "dhcp.leases");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private DhcpHarness Start() => new(stateDirectory: _directory, time: _time);

    [Fact]
    public void The_lease_is_on_disk_when_the_ack_leaves()
    {
        using var dhcp = Start();
        var offer = dhcp.Send(Client(Discover, A))!;
        Assert.DoesNotContain(offer.Yiaddr, ReadWithAnotherProcess(LeaseFilePath)); // an offer promises nothing

        var emit = new DiskCheckingEmitter(LeaseFilePath);
        var request = Client(Request, A, options: [Address(50, offer.Yiaddr), Address(54, "10.0.0.2")]);
        var packet = dhcp.Emit.Rent(request, 0);
        var batch = new PacketBatch(1);
        batch.Add(packet);
        dhcp.Function.Process(batch, emit);
        DhcpHarness.AwaitDisk(dhcp.Function, emit);

        // Another process read the file at the moment the ACK was handed to the dataplane, and found the lease.
        Assert.Contains($"{offer.Yiaddr} bound ", Assert.Single(emit.FileWhenSent));
    }

    [Fact]
    public void After_a_restart_every_lease_is_back_renewals_are_acked_and_no_address_is_given_twice()
    {
        var leased = new Dictionary<MacAddress, string>();
        using (var dhcp = Start())
        {
            for (int i = 0; i < 5; i++)
            {
                var mac = FrameBuilder.Mac(0x600 + i);
                leased[mac] = dhcp.Lease(mac).Yiaddr;
            }
        }

        using var restarted = Start();
        Assert.Equal(5, restarted.Function.Leases.Count);
        foreach (var (mac, address) in leased)
        {
            var lease = restarted.Function.Leases.ByAddress(Ipv4Address.Parse(address))!;
            Assert.Equal((LeaseState.Bound, mac), (lease.State, lease.Mac));
        }
        var first = leased.First();
        var renewed = restarted.Send(Client(Request, first.Key, ciaddr: Ipv4Address.Parse(first.Value),
            ethernetDestination: restarted.ServerMac, ipDestination: DhcpHarness.Server));
        Assert.Equal((5, first.Value), (renewed!.Type, renewed.Yiaddr));

        var newcomers = Enumerable.Range(0, 5).Select(i => restarted.Lease(FrameBuilder.Mac(0x700 + i)).Yiaddr).ToList();
        Assert.Empty(newcomers.Intersect(leased.Values));
        Assert.Null(restarted.Send(Client(Discover, B)));
        restarted.Emit.AssertDropped(DhcpDrop.PoolExhausted);
    }

    [Fact]
    public void Released_and_declined_states_survive_a_restart_and_expired_leases_come_back_expired()
    {
        string released, declined, expiring;
        using (var dhcp = Start())
        {
            released = dhcp.Lease(A).Yiaddr;
            dhcp.Send(Client(Release, A, ciaddr: Ipv4Address.Parse(released)));
            declined = dhcp.Lease(B).Yiaddr;
            dhcp.Send(Client(Decline, B, options: [Address(50, declined), Address(54, "10.0.0.2")]));
            expiring = dhcp.Lease(FrameBuilder.Mac(0xC3)).Yiaddr;
        }
        _time.Advance(TimeSpan.FromHours(2));

        using var restarted = Start();
        Assert.Equal(LeaseState.Released, restarted.Function.Leases.ByAddress(Ipv4Address.Parse(released))!.State);
        Assert.Null(restarted.Function.Leases.ByAddress(Ipv4Address.Parse(declined))); // its 10-minute hold is over
        Assert.Equal(LeaseState.Expired, restarted.Function.Leases.ByAddress(Ipv4Address.Parse(expiring))!.State);
        Assert.Equal(released, restarted.Lease(A).Yiaddr);
    }

    [Fact]
    public void A_torn_last_line_and_garbage_lines_are_skipped()
    {
        File.WriteAllText(LeaseFilePath,
            "# nfv dhcp leases v1\n" +
            "10.0.0.100 bound 1767229200 02:00:00:00:00:a1 hw:02:00:00:00:00:a1 laptop\n" +
            "not a lease line\n" +
            "10.0.0.101 bound 17672");

        using (var dhcp = Start())
        {
            var lease = Assert.Single(dhcp.Function.Leases.Leases);
            Assert.Equal(("10.0.0.100", "laptop"), (lease.Address.ToString(), lease.HostName));
            dhcp.Lease(B); // appended after the torn line
        }

        // The torn line was cut off, so the lease written after it is whole and comes back too.
        using var restarted = Start();
        Assert.Equal(2, restarted.Function.Leases.Count);
    }

    [Fact]
    public void Unreadable_lines_are_named_by_number_and_a_torn_tail_is_cut_off_the_file()
    {
        File.WriteAllText(LeaseFilePath,
            "# nfv dhcp leases v1\n" +
            "10.0.0.100 bound 1767229200 02:00:00:00:00:a1 hw:02:00:00:00:00:a1 laptop\n" +
            "not a lease line\n" +
            "10.0.0.101 bound 1767229200 02:00:00:00:00:a2 hw:02:00:00:00:00:a2 -\n" +
            "10.0.0.102 bound 17672");

        using (var file = LeaseFile.Open(LeaseFilePath, out var records, out var unreadable))
        {
            Assert.Equal(["10.0.0.100", "10.0.0.101"], records.Select(r => r.Address.ToString()));
            Assert.Equal([3, 5], unreadable);
        }

        Assert.EndsWith("hw:02:00:00:00:00:a2 -\n", File.ReadAllText(LeaseFilePath));
    }

    [Fact]
    public void The_journal_is_compacted_to_the_live_leases()
    {
        using (var dhcp = Start())
        {
            var address = Ipv4Address.Parse(dhcp.Lease(A).Yiaddr);
            dhcp.Lease(B);
            void Renew(int times)
            {
                for (int i = 0; i < times; i++)
                {
                    dhcp.Send(Client(Request, A, ciaddr: address, ethernetDestination: dhcp.ServerMac, ipDestination: DhcpHarness.Server));
                    dhcp.Time.Advance(TimeSpan.FromMilliseconds(100)); // stay under the rate limit
                }
            }
            Renew(1000);
            Assert.True(File.ReadAllLines(LeaseFilePathCopy()).Length > 1000); // under the 1,024 lines that compaction waits for

            Renew(100);
            dhcp.Advance(TimeSpan.FromSeconds(1));

            // Past 1,024 lines the next timer call compacts the file (on the disk's thread): the header, the two leases,
            // and the renewals journalled since then.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            string[] lines;
            while ((lines = File.ReadAllLines(LeaseFilePathCopy())).Length > 100)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{lines.Length} lines, not compacted");
                Thread.Sleep(10);
            }
            Assert.Equal("# nfv dhcp leases v1", lines[0]);
            Assert.Equal(2, lines.Skip(1).Select(l => l.Split(' ')[0]).Distinct().Count());
        }
        using var restarted = Start();
        Assert.Equal(2, restarted.Function.Leases.Count);
    }

    [Fact]
    public void A_second_server_on_the_same_lease_file_fails_to_start_with_the_path_in_the_message()
    {
        using var first = Start();

        var error = Assert.Throws<FunctionStartException>(() => Start());

        Assert.Contains(LeaseFilePath, error.Message, StringComparison.Ordinal);
    }

    // The file is locked against other opens in this process (FileShare.None); copying it with another process reads
    // what is on disk without taking part in the lock.
    private string LeaseFilePathCopy()
    {
        string copy = Path.Combine(_directory, "copy.txt");
        File.WriteAllText(copy, ReadWithAnotherProcess(LeaseFilePath));
        return copy;
    }

    internal static string ReadWithAnotherProcess(string path)
    {
        using var cat = Process.Start(new ProcessStartInfo("cat", path) { RedirectStandardOutput = true })!;
        string text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }

    private sealed class DiskCheckingEmitter(string path) : Emitter
    {
        public List<string> FileWhenSent { get; } = [];

        public override void To(int port, Packet packet)
        {
            FileWhenSent.Add(ReadWithAnotherProcess(path));
            packet.Release();
        }

        public override void Drop(Packet packet, int reason) => throw new InvalidOperationException($"dropped: {(DhcpDrop)reason}");

        public override Packet? Clone(Packet packet) => throw new NotSupportedException();

        public override Packet? Allocate() => throw new NotSupportedException();
    }
}

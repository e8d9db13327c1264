using System.Net.Sockets;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Dataplane.Ports;
using Nfv.Ip.Headers;
using Nfv.Testing;

namespace Nfv.Dataplane.Tests.Ports;

/// <summary>
/// A socket port against a program attached as QEMU attaches a VM (a datagram socket bound to a path of its own, sending
/// to the port's path; no privilege needed): frames cross whole both ways once the port knows its peer, a super-frame
/// leaves as segments, and the path is checked, reclaimed from a run that ended, and removed at close.
/// </summary>
public sealed class UnixDatagramPortTests : IDisposable
{
    private static readonly MacAddress A = FrameBuilder.Mac(0xA), B = FrameBuilder.Mac(0xB);
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-sock-").FullName;
    private readonly PacketPool _pool = new(256);
    private readonly List<IDisposable> _open = [];

    private string PathOf(string name) => Path.Combine(_directory, name);

    private UnixDatagramPort Open(string? peer = null) => Track(UnixDatagramPort.Open("vm1", PathOf("port.sock"), peer));

    private T Track<T>(T item) where T : IDisposable
    {
        _open.Add(item);
        return item;
    }

    // A program's end: a datagram socket bound to its own path, as QEMU's -netdev dgram makes.
    private Socket Attach(string name = "guest.sock")
    {
        var socket = Track(new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified));
        socket.Bind(new UnixDomainSocketEndPoint(PathOf(name)));
        socket.ReceiveTimeout = 1000;
        return socket;
    }

    private void SendTo(Socket from, byte[] frame) => from.SendTo(frame, new UnixDomainSocketEndPoint(PathOf("port.sock")));

    private void Send(UnixDatagramPort port, byte[] frame, VirtioNetHeader offload = default)
    {
        var packet = _pool.Rent()!;
        packet.Load(frame);
        packet.Offload = offload;
        port.Send(packet);
    }

    private List<byte[]> Receive(UnixDatagramPort port, int expected)
    {
        var frames = new List<byte[]>();
        var batch = new PacketBatch(64);
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (frames.Count < expected && DateTime.UtcNow < deadline)
        {
            batch.Clear();
            port.Receive(batch, _pool);
            foreach (var packet in batch.AsSpan())
            {
                frames.Add(packet.Data.ToArray());
                packet.Release();
            }
            Thread.Sleep(frames.Count < expected ? 5 : 0);
        }
        return frames;
    }

    private static byte[] ReceiveFrom(Socket socket)
    {
        var buffer = new byte[70_000];
        return buffer[..socket.Receive(buffer)];
    }

    private static byte[] Udp(MacAddress to, MacAddress from, int payload = 6) =>
        IpPackets.WithL4Checksum(IpPackets.Ip(to, from, "10.86.0.1", "10.86.0.2", Ipv4Header.ProtocolUdp, IpPackets.Udp(5000, 6000, payload)));

    [Fact]
    public void Frames_cross_whole_both_ways_once_the_attached_program_has_sent_one()
    {
        var port = Open();
        var guest = Attach();
        Send(port, Udp(A, B));
        Assert.Equal(1, port.Counters.Drops[PortDrop.NoPeer]); // nobody attached yet: nowhere to send
        Assert.False(port.HasPeer);

        var fromGuest = Udp(B, A, payload: 1400);
        SendTo(guest, fromGuest);
        Assert.Equal(fromGuest, Assert.Single(Receive(port, 1)));
        Assert.True(port.HasPeer);

        var toGuest = Udp(A, B);
        Send(port, toGuest);
        Assert.Equal(toGuest, ReceiveFrom(guest));
        Assert.Equal(1, port.Counters.Traffic[PortTraffic.SentPackets]);
        Assert.Equal(fromGuest.Length, port.Counters.Traffic[PortTraffic.ReceivedBytes]);
    }

    [Fact]
    public void A_peer_named_at_open_gets_frames_before_it_sends_and_a_later_sender_takes_the_port_over()
    {
        var guest = Attach();
        var port = Open(peer: PathOf("guest.sock"));
        var frame = Udp(A, B);
        Send(port, frame);
        Assert.Equal(frame, ReceiveFrom(guest));

        var other = Attach("other.sock");
        SendTo(other, Udp(B, A));
        Assert.Single(Receive(port, 1));
        Send(port, frame);
        Assert.Equal(frame, ReceiveFrom(other));
    }

    [Fact]
    public void A_frame_to_a_peer_that_went_away_is_counted_not_fatal()
    {
        var guest = Attach();
        var port = Open(peer: PathOf("guest.sock"));
        guest.Dispose();
        File.Delete(PathOf("guest.sock"));
        Send(port, Udp(A, B));
        Assert.Equal(1, port.Counters.Drops[PortDrop.NoPeer]);
    }

    [Fact]
    public void A_tcp_super_frame_leaves_as_segments_with_their_checksums_right()
    {
        var guest = Attach();
        var port = Open(peer: PathOf("guest.sock"));
        var (superFrame, offload) = VxlanPortTests.SuperFrame(3000, 1000);
        Send(port, superFrame, offload);
        var segments = new List<byte[]> { ReceiveFrom(guest), ReceiveFrom(guest), ReceiveFrom(guest) };
        VxlanPortTests.AssertSegments(superFrame, segments, 1000);
        Assert.Equal(3, port.Counters.Traffic[PortTraffic.SentPackets]);
    }

    [Fact]
    public void A_datagram_shorter_than_an_ethernet_header_is_dropped_as_malformed()
    {
        var port = Open();
        SendTo(Attach(), new byte[10]);
        Assert.Empty(Receive(port, 1));
        Assert.Equal(1, port.Counters.Drops[PortDrop.Malformed]);
    }

    [Fact]
    public void The_path_is_reclaimed_from_a_run_that_ended_and_removed_at_close()
    {
        LeaveStaleSocket(PathOf("port.sock"));
        Assert.True(File.Exists(PathOf("port.sock")));
        var port = UnixDatagramPort.Open("vm1", PathOf("port.sock"));
        SendTo(Attach(), Udp(B, A));
        Assert.Single(Receive(port, 1));
        port.Dispose();
        Assert.False(File.Exists(PathOf("port.sock")));
    }

    [Fact]
    public void A_path_in_use_by_a_live_socket_or_by_another_file_or_too_long_is_refused_with_the_reason()
    {
        var live = Attach("port.sock");
        var inUse = Assert.Throws<TapException>(() => UnixDatagramPort.Open("vm1", PathOf("port.sock")));
        Assert.Contains("another program receives on", inUse.Message);

        File.WriteAllText(PathOf("notes.txt"), "mine");
        var notSocket = Assert.Throws<TapException>(() => UnixDatagramPort.Open("vm1", PathOf("notes.txt")));
        Assert.Contains("is not a socket", notSocket.Message);
        Assert.Equal("mine", File.ReadAllText(PathOf("notes.txt")));

        var tooLong = Assert.Throws<TapException>(() => UnixDatagramPort.Open("vm1", PathOf(new string('x', 120))));
        Assert.Contains("longer than the 107 bytes", tooLong.Message);
    }

    // A socket file nobody receives on, as a killed nfv leaves it. .NET's Socket removes the file it bound when disposed:
    // renamed first, the file outlives it.
    private static void LeaveStaleSocket(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path + ".bound"));
        File.Move(path + ".bound", path);
    }

    public void Dispose()
    {
        foreach (var item in _open)
        {
            item.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}

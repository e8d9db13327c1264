using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip;
using Nfv.Ip.Headers;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// A VXLAN tunnel endpoint (RFC 7348) as an external port: Ethernet frames go to the remotes inside UDP datagrams with
/// an 8-byte VXLAN header carrying the VNI, and come back the same way. The underlay is an ordinary UDP socket, so it
/// works over any IPv4 network with no privilege but the port, and interoperates with Linux's <c>vxlan</c> devices.
/// </summary>
/// <remarks>
/// <para>
/// Receiving reads up to 32 datagrams per system call (recvmmsg), each into a packet's buffer so the VXLAN header lands
/// in the headroom and the inner frame where a frame starts: nothing is copied. Datagrams from an address that is not a remote, or for another VNI, are
/// dropped (<see cref="PortDrop.Foreign"/>): an open UDP port does not let anyone inject frames into the lab.
/// </para>
/// <para>
/// Sending writes the header into the headroom in front of the frame. A frame for a MAC learned from a remote (the
/// inner source of what it sent) goes to that remote; broadcast, multicast and unknown unicast go to every remote
/// (head-end replication). A TCP super-frame from a lab host is segmented in software (<see cref="TcpSegmentation"/>),
/// its datagrams handed to the kernel in trains of up to 64 with UDP_SEGMENT (one system call each), and a partial
/// checksum completed, since no device does it after the socket. The outer IPv4 header has DF set: an
/// inner frame over the underlay's MTU less <see cref="Overhead"/> is dropped (<see cref="PortDrop.Oversize"/>), never
/// fragmented (RFC 7348 §4.3). The UDP source port is one of <see cref="SourcePorts"/> sockets', chosen by a hash of
/// the inner flow, so the underlay's ECMP can spread flows; the UDP checksum is 0, as RFC 7348 allows over IPv4.
/// </para>
/// </remarks>
public sealed class VxlanPort : IFramePort
{
    /// <summary>The VXLAN header's size.</summary>
    public const int HeaderSize = 8;

    /// <summary>IANA's VXLAN port.</summary>
    public const ushort DefaultPort = 4789;

    /// <summary>What the tunnel adds to an inner frame's IP packet: outer IPv4 (20), UDP (8), VXLAN (8), inner Ethernet (14).</summary>
    public const int Overhead = 50;

    /// <summary>Sockets sending, each bound to its own source port in 49152-65535.</summary>
    public const int SourcePorts = 8;

    private const byte FlagVni = 0x08;
    private const int SocketBuffer = 4 << 20;
    private const int MaxTrainSegments = 64; // UDP_MAX_SEGMENTS is 64 on older kernels, 128 on newer

    /// <summary>Datagrams read per system call.</summary>
    public const int ReceiveBatch = DatagramReceiver.Batch;
    private const long LearnedForMilliseconds = 300_000;

    private readonly SafeFileHandle _socket;
    private readonly SafeFileHandle[] _senders;
    private readonly SockAddrIn[] _remotes;
    private readonly uint _vni;
    private readonly RemoteMacTable _learned = new();
    private readonly byte[] _train = new byte[65_000]; // a super-frame's segments as datagrams, one after the other
    private readonly Packet[] _receiving = new Packet[ReceiveBatch];

    private VxlanPort(string name, VxlanSettings settings, SafeFileHandle socket, SafeFileHandle[] senders)
    {
        Name = name;
        Settings = settings;
        _socket = socket;
        _senders = senders;
        _remotes = [.. settings.Remotes.Select(r => SockAddrIn.Of(r.Value, settings.Port))];
        _vni = settings.Vni;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The tunnel's settings.</summary>
    public VxlanSettings Settings { get; }

    /// <inheritdoc/>
    public SafeHandle? PollHandle => _socket.IsClosed ? null : _socket;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <summary>
    /// Opens the tunnel: a socket bound to the local address (any, when none is given) and the port, receiving; and
    /// <see cref="SourcePorts"/> sockets sending.
    /// </summary>
    /// <exception cref="TapException">A socket could not be made or bound (the port taken, an address not this machine's).</exception>
    public static VxlanPort Open(string name, VxlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Remotes.Count == 0)
        {
            throw new ArgumentException("A VXLAN port needs at least one remote.", nameof(settings));
        }
        var opened = new List<SafeFileHandle>();
        try
        {
            var socket = OpenSocket(settings, settings.Port, name);
            opened.Add(socket);
            var senders = new SafeFileHandle[SourcePorts];
            for (int i = 0; i < senders.Length; i++)
            {
                senders[i] = OpenSender(settings, name);
                opened.Add(senders[i]);
            }
            return new VxlanPort(name, settings, socket, senders);
        }
        catch
        {
            opened.ForEach(s => s.Dispose());
            throw;
        }
    }

    // A sender on a random port of the dynamic range; a taken one is tried again elsewhere.
    private static SafeFileHandle OpenSender(VxlanSettings settings, string name)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return OpenSocket(settings, (ushort)Random.Shared.Next(49152, 65536), name);
            }
            catch (TapException) when (attempt < 32)
            {
            }
        }
    }

    private static unsafe SafeFileHandle OpenSocket(VxlanSettings settings, ushort port, string name)
    {
        var socket = Socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (socket.IsInvalid)
        {
            ThrowHelper.ThrowTap("socket", name);
        }
        try
        {
            Option(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            Option(SOL_SOCKET, SO_RCVBUF, SocketBuffer, "SO_RCVBUF");
            Option(SOL_SOCKET, SO_SNDBUF, SocketBuffer, "SO_SNDBUF");
            Option(IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
            Option(IPPROTO_IP, IP_TTL, settings.Ttl, "IP_TTL");
            Option(IPPROTO_IP, IP_TOS, settings.Tos, "IP_TOS");
            var local = SockAddrIn.Of(settings.Local?.Value ?? 0, port);
            if (Bind(socket, &local, sizeof(SockAddrIn)) < 0)
            {
                ThrowHelper.ThrowTap($"bind {settings.Local?.ToString() ?? "0.0.0.0"}:{port}", name);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        void Option(int level, int option, int value, string what)
        {
            if (SetSocketOption(socket, level, option, &value, sizeof(int)) < 0)
            {
                ThrowHelper.ThrowTap($"setsockopt {what}", name);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Up to <see cref="ReceiveBatch"/> datagrams per system call (recvmmsg), each straight into a packet's buffer (the
    /// pool's buffers are pinned) so the VXLAN header lands in the headroom.
    /// </remarks>
    public unsafe int Receive(PacketBatch batch, PacketPool pool)
    {
        var acceptor = new Acceptor(this);
        return DatagramReceiver.Receive<SockAddrIn, Acceptor>(_socket, _receiving, batch, pool, Packet.DefaultHeadroom - HeaderSize, Counters, ref acceptor);
    }

    private readonly struct Acceptor(VxlanPort port) : IDatagramAcceptor<SockAddrIn>
    {
        public unsafe bool Accept(Packet packet, int length, int flags, SockAddrIn* sender, int senderLength) =>
            port.Accept(packet, length, sender->Address);
    }

    // A datagram read into `packet`'s buffer: checked, and made the packet's frame; false (and released) when refused.
    private bool Accept(Packet packet, int length, uint from)
    {
        var header = packet.Buffer.AsSpan(Packet.DefaultHeadroom - HeaderSize, HeaderSize);
        if (length < HeaderSize + EthernetHeader.Size || (header[0] & FlagVni) == 0)
        {
            packet.Release();
            Counters.Dropped(PortDrop.Malformed);
            return false;
        }
        int remote = RemoteIndex(from);
        if (remote < 0 || (BinaryPrimitives.ReadUInt32BigEndian(header[4..]) >> 8) != _vni)
        {
            packet.Release();
            Counters.Dropped(PortDrop.Foreign);
            return false;
        }
        int frameLength = length - HeaderSize;
        packet.SetFrame(Packet.DefaultHeadroom, frameLength);
        packet.Offload = default;
        if (_remotes.Length > 1)
        {
            _learned.Learn(EthernetHeader.Source(packet.Data), remote, Environment.TickCount64 + LearnedForMilliseconds);
        }
        Counters.Received(frameLength);
        return true;
    }

    /// <inheritdoc/>
    public void Send(Packet packet)
    {
        try
        {
            if (packet.Offload.IsGso)
            {
                SendSegments(packet);
                return;
            }
            if (!Checksum.CompletePartial(packet))
            {
                Counters.Dropped(PortDrop.SendError);
                return;
            }
            SendFrame(packet);
        }
        finally
        {
            packet.Release();
        }
    }

    // A super-frame's segments leave as trains: each segment's datagram (VXLAN header and frame) written one after the
    // other into one buffer, handed to the kernel in one sendmsg with UDP_SEGMENT, which cuts it into datagrams of the
    // first one's size. One system call for up to MaxTrainSegments datagrams instead of one each.
    private unsafe void SendSegments(Packet superFrame)
    {
        if (TcpSegmentation.Plan(superFrame) is not { } plan)
        {
            Counters.Dropped(PortDrop.SendError); // a UDP super-frame (or TCP behind IPv6 extension headers): not split here yet
            return;
        }
        var (first, last) = Targets(superFrame.Data);
        var sender = _senders[FlowHash(superFrame.Data) % SourcePorts];
        int datagram = HeaderSize + TcpSegmentation.SegmentLength(plan, 0);
        int used = 0, count = 0, bytes = 0;
        for (int i = 0; i < plan.Segments; i++)
        {
            int length = TcpSegmentation.SegmentLength(plan, i);
            if (used + HeaderSize + length > _train.Length || count == MaxTrainSegments)
            {
                if (!SendTrain(sender, used, datagram, count, bytes, first, last))
                {
                    return;
                }
                used = count = bytes = 0;
            }
            WriteHeader(_train.AsSpan(used, HeaderSize));
            TcpSegmentation.Write(superFrame, plan, i, _train.AsSpan(used + HeaderSize));
            used += HeaderSize + length;
            bytes += length;
            count++;
        }
        SendTrain(sender, used, datagram, count, bytes, first, last);
    }

    // Sends the train in the port's buffer: `count` datagrams of `datagram` bytes (the last may be shorter).
    private unsafe bool SendTrain(SafeFileHandle sender, int used, int datagram, int count, int bytes, int first, int last)
    {
        fixed (byte* train = _train)
        {
            return SendDatagrams(sender, train, used, datagram, count, bytes, first, last);
        }
    }

    private unsafe void SendFrame(Packet packet)
    {
        int start = packet.Offset - HeaderSize;
        if (start < 0)
        {
            Counters.Dropped(PortDrop.SendError);
            return;
        }
        var buffer = packet.Buffer;
        WriteHeader(buffer.AsSpan(start, HeaderSize));
        var frame = packet.Data;
        var (first, last) = Targets(frame);
        int total = packet.Length + HeaderSize;
        fixed (byte* p = buffer)
        {
            SendDatagrams(_senders[FlowHash(frame) % SourcePorts], p + start, total, total, 1, packet.Length, first, last);
        }
    }

    // Sends `length` bytes at `data` to remotes first..last: one datagram, or (count > 1) a train the kernel cuts into
    // datagrams of `datagram` bytes (UDP_SEGMENT). Counts `count` frames of `bytes` in all once any remote took them;
    // false when they do not fit the underlay (nothing more of the same size will).
    private unsafe bool SendDatagrams(SafeFileHandle sender, byte* data, int length, int datagram, int count, int bytes, int first, int last)
    {
        bool sent = false;
        var vector = new IoVec { Base = data, Length = (nuint)length };
        var control = UInt16ControlMessage.Of(SOL_UDP, UDP_SEGMENT, (ushort)datagram);
        for (int r = first; r <= last; r++)
        {
            var to = _remotes[r];
            var message = new MsgHdr
            {
                Name = &to,
                NameLength = (uint)sizeof(SockAddrIn),
                Iov = &vector,
                IovLength = 1,
                Control = count > 1 ? &control : null,
                ControlLength = count > 1 ? (nuint)sizeof(UInt16ControlMessage) : 0,
            };
            nint written;
            do
            {
                written = SendMessage(sender, &message, 0);
            }
            while (written < 0 && LastError == Error.EINTR);
            if (written == length)
            {
                sent = true;
                continue;
            }
            var error = written < 0 ? LastError : Error.EIO;
            if (error is Error.EMSGSIZE or Error.EINVAL)
            {
                Counters.Dropped(PortDrop.Oversize); // a datagram does not fit the underlay's MTU
                return false;
            }
            Counters.Dropped(PortDrop.SendError); // the socket's queue full, or a remote's port unreachable
        }
        if (sent)
        {
            Counters.Traffic.Add(PortTraffic.SentPackets, count);
            Counters.Traffic.Add(PortTraffic.SentBytes, bytes);
        }
        return true;
    }

    private void WriteHeader(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)FlagVni << 24);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _vni << 8);
    }

    // The remotes a frame goes to, by index: the one its destination MAC was learned from, or all of them.
    private (int First, int Last) Targets(ReadOnlySpan<byte> frame)
    {
        int learned = _remotes.Length > 1 && !EthernetHeader.Destination(frame).IsMulticast
            ? _learned.Find(EthernetHeader.Destination(frame), Environment.TickCount64)
            : -1;
        return learned >= 0 ? (learned, learned) : (0, _remotes.Length - 1);
    }

    private int RemoteIndex(uint address)
    {
        var remotes = _remotes;
        for (int i = 0; i < remotes.Length; i++)
        {
            if (remotes[i].Address == address)
            {
                return i;
            }
        }
        return -1;
    }

    // The inner flow: IPv4 addresses and the first four bytes after the header (TCP or UDP ports), else the MACs.
    private static uint FlowHash(ReadOnlySpan<byte> frame)
    {
        ulong key;
        if (frame.Length >= EthernetHeader.Size + Ipv4Header.MinSize + 4 &&
            BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]) == EthernetHeader.TypeIpv4)
        {
            var ip = frame[EthernetHeader.Size..];
            int ihl = Ipv4Header.HeaderLength(ip);
            ulong ports = ip.Length >= ihl + 4 ? BinaryPrimitives.ReadUInt32BigEndian(ip[ihl..]) : 0;
            key = BinaryPrimitives.ReadUInt64BigEndian(ip[Ipv4Header.SourceOffset..]) ^ (ports * 0x9E37_79B9_7F4A_7C15UL);
        }
        else
        {
            key = BinaryPrimitives.ReadUInt64BigEndian(frame) ^ BinaryPrimitives.ReadUInt32BigEndian(frame[8..]);
        }
        key *= 0xD6E8_FEB8_6659_FD93UL;
        return (uint)(key >> 32);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _socket.Dispose();
        foreach (var sender in _senders)
        {
            sender.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (vxlan {Settings})";
}

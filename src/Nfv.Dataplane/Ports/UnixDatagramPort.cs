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
/// An external port on an AF_UNIX datagram socket that nfv binds at a path: one Ethernet frame a datagram, no header.
/// It is how a QEMU guest's NIC joins the lab (<c>-netdev dgram</c> with a unix local and remote address), with no TAP
/// and no descriptor handed to a child; any program that binds a socket of its own and sends frames to the path can
/// attach the same way.
/// </summary>
/// <remarks>
/// <para>
/// Frames go to one peer: the address given at open (a VM's socket, known before it sends anything), replaced by the
/// bound address of whoever sent last, so a program that attaches later takes the port over. Until there is a peer,
/// frames are dropped (<see cref="PortDrop.NoPeer"/>). Datagrams from an unbound sender are taken but teach nothing.
/// </para>
/// <para>
/// Receiving reads up to <see cref="ReceiveBatch"/> datagrams per system call (recvmmsg), each straight into a packet's
/// buffer. Sending writes one datagram a frame; a TCP super-frame from a TAP host is segmented in software first and a
/// partial checksum completed (the peer gets what a wire would carry: QEMU's dgram backend has no offload header).
/// </para>
/// </remarks>
public sealed class UnixDatagramPort : IFramePort
{
    /// <summary>Datagrams read per system call.</summary>
    public const int ReceiveBatch = DatagramReceiver.Batch;

    private const int SocketBuffer = 4 << 20;

    private readonly SafeFileHandle _socket;
    private readonly Packet[] _receiving = new Packet[ReceiveBatch];
    private readonly byte[] _segment = new byte[EthernetHeader.Size + 65_535];
    private SockAddrUn _peer;
    private int _peerLength; // 0 while there is no peer

    private UnixDatagramPort(string name, string path, SafeFileHandle socket)
    {
        Name = name;
        Path = path;
        _socket = socket;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The path the port's socket is bound to.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public SafeHandle? PollHandle => _socket.IsClosed ? null : _socket;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <summary>True once the port knows where to send frames.</summary>
    public bool HasPeer => Volatile.Read(ref _peerLength) > 0;

    /// <summary>
    /// Binds a datagram socket at <paramref name="path"/> (its folder made when missing; a socket file left there by a run
    /// that ended is removed first), sending to <paramref name="peer"/> until someone else sends to the port.
    /// </summary>
    /// <exception cref="TapException">The path is too long, is a file that is not a socket, is a socket another program
    /// still receives on, or the socket could not be made or bound.</exception>
    public static unsafe UnixDatagramPort Open(string name, string path, string? peer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!SockAddrUn.TryOf(path, out var address, out int length))
        {
            throw new TapException($"socket port '{name}': the path '{path}' is longer than the {SockAddrUn.PathCapacity - 1} bytes a socket's path may have", 0);
        }
        SockAddrUn peerAddress = default;
        int peerLength = 0;
        if (peer is not null && !SockAddrUn.TryOf(peer, out peerAddress, out peerLength))
        {
            throw new TapException($"socket port '{name}': the peer path '{peer}' is longer than the {SockAddrUn.PathCapacity - 1} bytes a socket's path may have", 0);
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        RemoveStaleSocket(name, path, &address, length);
        var socket = Socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (socket.IsInvalid)
        {
            Throw("socket", name);
        }
        try
        {
            int size = SocketBuffer;
            SetSocketOption(socket, SOL_SOCKET, SO_RCVBUF, &size, sizeof(int));
            SetSocketOption(socket, SOL_SOCKET, SO_SNDBUF, &size, sizeof(int));
            if (Bind(socket, &address, length) < 0)
            {
                Throw($"bind {path}", name);
            }
            return new UnixDatagramPort(name, path, socket) { _peer = peerAddress, _peerLength = peerLength };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // A socket file at the path is a leftover when nothing receives on it (connecting is refused); a live one, or a file
    // of another kind, is not nfv's to remove.
    private static unsafe void RemoveStaleSocket(string name, string path, SockAddrUn* address, int length)
    {
        switch (FileTypeOf(path))
        {
            case null:
                return;
            case not S_IFSOCK:
                throw new TapException($"socket port '{name}': '{path}' exists and is not a socket; remove it or choose another path", (int)Error.EEXIST);
        }
        using var probe = Socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (!probe.IsInvalid && Connect(probe, address, length) == 0)
        {
            throw new TapException($"socket port '{name}': another program receives on '{path}' (another nfv?); stop it or choose another path", (int)Error.EADDRINUSE);
        }
        File.Delete(path);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Throw(string what, string name)
    {
        var error = ErrorInfo.Last();
        throw new TapException($"{what} for socket port '{name}' failed: {error}", error.RawErrno);
    }

    /// <inheritdoc/>
    public unsafe int Receive(PacketBatch batch, PacketPool pool)
    {
        var acceptor = new Acceptor(this);
        return DatagramReceiver.Receive<SockAddrUn, Acceptor>(_socket, _receiving, batch, pool, Packet.DefaultHeadroom, Counters, ref acceptor);
    }

    private readonly struct Acceptor(UnixDatagramPort port) : IDatagramAcceptor<SockAddrUn>
    {
        public unsafe bool Accept(Packet packet, int length, int flags, SockAddrUn* sender, int senderLength)
        {
            if (length < EthernetHeader.Size || (flags & MSG_TRUNC) != 0)
            {
                port.Counters.Dropped(PortDrop.Malformed); // shorter than an Ethernet header, or cut short by the buffer
                packet.Release();
                return false;
            }
            port.Learn(sender, senderLength);
            packet.SetFrame(Packet.DefaultHeadroom, length);
            packet.Offload = default;
            port.Counters.Received(length);
            return true;
        }
    }

    // The sender of a datagram becomes the peer when it is bound to a path and is not the peer already.
    private unsafe void Learn(SockAddrUn* sender, int length)
    {
        if (length <= sizeof(ushort) || sender->Path[0] == 0)
        {
            return; // unbound (or an abstract address, which nfv does not send to)
        }
        fixed (SockAddrUn* peer = &_peer)
        {
            if (length == _peerLength && new ReadOnlySpan<byte>(peer, length).SequenceEqual(new ReadOnlySpan<byte>(sender, length)))
            {
                return;
            }
        }
        _peer = *sender;
        Volatile.Write(ref _peerLength, length);
    }

    /// <inheritdoc/>
    public void Send(Packet packet)
    {
        try
        {
            if (_peerLength == 0)
            {
                Counters.Dropped(PortDrop.NoPeer);
            }
            else if (packet.Offload.IsGso)
            {
                SendSegments(packet);
            }
            else if (!Checksum.CompletePartial(packet))
            {
                Counters.Dropped(PortDrop.SendError);
            }
            else
            {
                SendDatagram(packet.Buffer, packet.Offset, packet.Length);
            }
        }
        finally
        {
            packet.Release();
        }
    }

    // A super-frame leaves as the frames a wire would carry, one datagram each.
    private void SendSegments(Packet superFrame)
    {
        if (TcpSegmentation.Plan(superFrame) is not { } plan)
        {
            Counters.Dropped(PortDrop.SendError); // a UDP super-frame (or TCP behind IPv6 extension headers): not split here yet
            return;
        }
        for (int i = 0; i < plan.Segments; i++)
        {
            int length = TcpSegmentation.Write(superFrame, plan, i, _segment);
            if (!SendDatagram(_segment, 0, length))
            {
                return;
            }
        }
    }

    private unsafe bool SendDatagram(byte[] buffer, int offset, int length)
    {
        nint written;
        fixed (byte* data = buffer)
        fixed (SockAddrUn* peer = &_peer)
        {
            var vector = new IoVec { Base = data + offset, Length = (nuint)length };
            var message = new MsgHdr { Name = peer, NameLength = (uint)_peerLength, Iov = &vector, IovLength = 1 };
            do
            {
                written = SendMessage(_socket, &message, 0);
            }
            while (written < 0 && LastError == Error.EINTR);
        }
        if (written == length)
        {
            Counters.Sent(length);
            return true;
        }
        // ENOENT or ECONNREFUSED: the peer's socket is gone (a VM stopped); EAGAIN: its queue is full.
        Counters.Dropped(written < 0 && LastError is Error.ENOENT or Error.ECONNREFUSED ? PortDrop.NoPeer : PortDrop.SendError);
        return false;
    }

    /// <summary>Closes the socket and removes its file.</summary>
    public void Dispose()
    {
        if (!_socket.IsClosed)
        {
            _socket.Dispose();
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (socket {Path})";
}

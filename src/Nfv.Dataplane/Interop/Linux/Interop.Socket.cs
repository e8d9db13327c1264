using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    internal const int AF_UNIX = 1;
    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_NONBLOCK = 0x800;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SO_REUSEADDR = 2;
    internal const int SO_SNDBUF = 7;
    internal const int SO_RCVBUF = 8;
    internal const int IPPROTO_IP = 0;
    internal const int IP_TOS = 1;
    internal const int IP_TTL = 2;
    internal const int IP_MTU_DISCOVER = 10;
    internal const int IP_PMTUDISC_DO = 2;
    internal const int SOL_UDP = 17;
    internal const int UDP_SEGMENT = 103;
    internal const int MSG_TRUNC = 0x20;
    internal const int S_IFMT = 0xF000;
    internal const int S_IFSOCK = 0xC000;

    /// <summary>struct sockaddr_in: an IPv4 address and port, both in network byte order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SockAddrIn
    {
        public ushort Family;
        public ushort PortNetworkOrder;
        public uint AddressNetworkOrder;
        public ulong Zero;

        public static SockAddrIn Of(uint address, ushort port) => new()
        {
            Family = AF_INET,
            PortNetworkOrder = (ushort)((port >> 8) | (port << 8)),
            AddressNetworkOrder = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address),
        };

        /// <summary>The address, host order.</summary>
        public readonly uint Address => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(AddressNetworkOrder);

        /// <summary>The port, host order.</summary>
        public readonly ushort Port => (ushort)((PortNetworkOrder >> 8) | (PortNetworkOrder << 8));
    }

    /// <summary>struct sockaddr_un: a socket's path in the file system, NUL-terminated unless it fills all 108 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SockAddrUn
    {
        /// <summary>The most bytes a path can have with its terminating NUL.</summary>
        public const int PathCapacity = 108;

        public ushort Family;
        public fixed byte Path[PathCapacity];

        /// <summary>The size of an address whose path has <paramref name="pathBytes"/> bytes: what bind and sendto are given.</summary>
        public static int SizeFor(int pathBytes) => sizeof(ushort) + pathBytes + 1;

        /// <summary>The address of <paramref name="path"/>; false when its UTF-8 form does not fit.</summary>
        public static bool TryOf(string path, out SockAddrUn address, out int length)
        {
            var result = new SockAddrUn { Family = AF_UNIX };
            bool fits = System.Text.Encoding.UTF8.TryGetBytes(path, new Span<byte>(result.Path, PathCapacity - 1), out int written);
            (address, length) = (result, fits ? SizeFor(written) : 0);
            return fits;
        }
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketRaw(int domain, int type, int protocol);

    /// <summary>A socket as a handle the worker can poll; invalid on failure (errno set).</summary>
    internal static SafeFileHandle Socket(int domain, int type, int protocol)
    {
        int fd = SocketRaw(domain, type, protocol);
        return new SafeFileHandle(fd, ownsHandle: fd >= 0);
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeHandle fd, SockAddrIn* address, int length);

    [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeHandle fd, SockAddrUn* address, int length);

    [LibraryImport(Libraries.Libc, EntryPoint = "connect", SetLastError = true)]
    internal static unsafe partial int Connect(SafeHandle fd, SockAddrUn* address, int length);

    [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSocketOption(SafeHandle fd, int level, int name, int* value, int length);

    [LibraryImport(Libraries.Libc, EntryPoint = "recvfrom", SetLastError = true)]
    internal static unsafe partial nint ReceiveFrom(SafeHandle fd, byte* buffer, nint length, int flags, SockAddrIn* from, int* fromLength);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>A control message carrying one 16-bit value (UDP_SEGMENT's segment size): struct cmsghdr and its data, CMSG_SPACE(2) bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct UInt16ControlMessage
    {
        public nuint Length;   // CMSG_LEN(2)
        public int Level;
        public int Type;
        public ushort Value;
        private readonly ushort _pad0;
        private readonly uint _pad1;

        public static UInt16ControlMessage Of(int level, int type, ushort value) => new() { Length = 16 + 2, Level = level, Type = type, Value = value };
    }

    /// <summary>struct mmsghdr (64-bit): a message and the bytes received into it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static unsafe partial int ReceiveMessages(SafeHandle fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport(Libraries.Libc, EntryPoint = "sendmsg", SetLastError = true)]
    internal static unsafe partial nint SendMessage(SafeHandle fd, MsgHdr* message, int flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatX(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>The type bits (<see cref="S_IFMT"/>) of what is at <paramref name="path"/>, a symbolic link not followed; null when nothing is.</summary>
    internal static unsafe int? FileTypeOf(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, StatxType = 1, ModeOffset = 28; // struct statx: stx_mode at 28
        var buffer = stackalloc byte[256];
        return StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) < 0 ? null : *(ushort*)(buffer + ModeOffset) & S_IFMT;
    }
}

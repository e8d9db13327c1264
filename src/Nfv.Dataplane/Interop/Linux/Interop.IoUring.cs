using System.Runtime.InteropServices;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    // linux/io_uring.h. The system call numbers are the generic table's, the same on x86-64 and arm64.
    internal const nint SYS_io_uring_setup = 425;
    internal const nint SYS_io_uring_enter = 426;

    internal const uint IORING_SETUP_SUBMIT_ALL = 1u << 7;
    internal const uint IORING_SETUP_COOP_TASKRUN = 1u << 8;
    internal const uint IORING_FEAT_SINGLE_MMAP = 1u << 0;
    internal const uint IORING_FEAT_NODROP = 1u << 1;
    internal const uint IORING_ENTER_GETEVENTS = 1u << 0;
    internal const byte IORING_OP_READ = 22;
    internal const byte IORING_OP_WRITE = 23;
    internal const uint RWF_NOWAIT = 0x8;
    internal const long IORING_OFF_SQ_RING = 0;
    internal const long IORING_OFF_SQES = 0x10000000;

    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_SHARED = 0x01;
    internal const int MAP_POPULATE = 0x08000;

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoSqringOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Reserved;
        public ulong UserAddress;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoCqringOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Reserved;
        public ulong UserAddress;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoUringParams
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
        public fixed uint Reserved[3];
        public IoSqringOffsets SqOff;
        public IoCqringOffsets CqOff;
    }

    /// <summary>A submission queue entry, as far as a read or a write fills it (64 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    internal struct IoUringSqe
    {
        [FieldOffset(0)] public byte Opcode;
        [FieldOffset(1)] public byte Flags;
        [FieldOffset(2)] public ushort IoPriority;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(8)] public ulong Offset;
        [FieldOffset(16)] public ulong Address;
        [FieldOffset(24)] public uint Length;
        [FieldOffset(28)] public uint RwFlags;
        [FieldOffset(32)] public ulong UserData;
    }

    /// <summary>A completion queue entry (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoUringCqe
    {
        public ulong UserData;
        public int Result;
        public uint Flags;
    }

    [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport(Libraries.Libc, EntryPoint = "mmap", SetLastError = true)]
    internal static unsafe partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libraries.Libc, EntryPoint = "munmap", SetLastError = true)]
    internal static unsafe partial int Munmap(void* address, nuint length);

    [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLERR = 0x008;
    internal const uint EPOLLHUP = 0x010;

    /// <summary>
    /// struct epoll_event. The kernel packs it on x86-64 (12 bytes) and not on other
    /// architectures (16 bytes), so the size is chosen at run time: see <see cref="EpollEventSize"/>.
    /// </summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    internal static int EpollDataOffset => EpollEventSize == 12 ? 4 : 8;

    [LibraryImport(Libraries.Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial SafeFileHandle EpollCreate1(int flags);

    [LibraryImport(Libraries.Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static unsafe partial int EpollCtl(SafeHandle epfd, int op, int fd, byte* epollEvent);

    [LibraryImport(Libraries.Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static unsafe partial int EpollWait(SafeHandle epfd, byte* events, int maxEvents, int timeoutMilliseconds);

    /// <summary>struct timespec: seconds and nanoseconds (both 64-bit on the 64-bit architectures nfv runs on).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>epoll_wait with a timeout in nanoseconds (Linux 5.11, glibc 2.35); <paramref name="sigmask"/> null.</summary>
    [LibraryImport(Libraries.Libc, EntryPoint = "epoll_pwait2", SetLastError = true)]
    internal static unsafe partial int EpollPwait2(SafeHandle epfd, byte* events, int maxEvents, Timespec* timeout, void* sigmask);

    internal const int PR_SET_TIMERSLACK = 29;

    /// <summary>prctl with one argument (the rest zero).</summary>
    [LibraryImport(Libraries.Libc, EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint argument, nuint unused2 = 0, nuint unused3 = 0, nuint unused4 = 0);
}

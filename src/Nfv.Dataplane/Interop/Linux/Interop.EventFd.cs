using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;

    [LibraryImport(Libraries.Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial SafeFileHandle EventFd(uint initialValue, int flags);
}

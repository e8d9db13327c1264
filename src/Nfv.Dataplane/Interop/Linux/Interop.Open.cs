using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    internal const int O_RDWR = 0x2;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeFileHandle Open(string path, int flags);
}

using System.Runtime.InteropServices;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(SafeHandle fd, byte* buffer, nint count);
}

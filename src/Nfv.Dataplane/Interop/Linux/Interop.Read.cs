using System.Runtime.InteropServices;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(SafeHandle fd, byte* buffer, nint count);
}

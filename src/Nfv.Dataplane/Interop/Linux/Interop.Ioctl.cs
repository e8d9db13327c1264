using System.Runtime.InteropServices;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    // linux/if_tun.h: _IOW('T', nr, int). TUNSETIFF and TUNSETVNETHDRSZ take a pointer;
    // TUNSETOFFLOAD takes its flags by value (docs/tap-and-lab-notes.md, trap 1).
    internal const uint TUNSETIFF = 0x400454CA;
    internal const uint TUNSETOFFLOAD = 0x400454D0;
    internal const uint TUNSETVNETHDRSZ = 0x400454D8;

    // linux/sockios.h: a TAP's descriptor answers these for its device too (drivers/net/tun.c), in any namespace.
    internal const uint SIOCSIFHWADDR = 0x8924;
    internal const uint SIOCGIFHWADDR = 0x8927;

    [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(SafeHandle fd, nuint request, void* argument);

    [LibraryImport(Libraries.Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(SafeHandle fd, nuint request, nuint argument);
}

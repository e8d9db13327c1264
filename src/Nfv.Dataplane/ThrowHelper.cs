using System.Diagnostics.CodeAnalysis;
using Nfv.Dataplane.Ports;

namespace Nfv.Dataplane;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowTap(string what, string interfaceName)
    {
        var error = Interop.Interop.ErrorInfo.Last();
        throw new TapException($"{what} for TAP '{interfaceName}' failed: {error}", error.RawErrno);
    }

    [DoesNotReturn]
    public static void ThrowIO(string what)
    {
        var error = Interop.Interop.ErrorInfo.Last();
        throw new IOException($"{what} failed: {error}");
    }
}

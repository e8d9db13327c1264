using System.Runtime.InteropServices;

namespace Nfv.Dataplane.Interop;

internal static partial class Interop
{
    /// <summary>The errno values the dataplane acts on (asm-generic/errno-base.h).</summary>
    internal enum Error
    {
        EPERM = 1,
        ENOENT = 2,
        EINTR = 4,
        EIO = 5,
        EBADF = 9,
        EAGAIN = 11,
        ENOMEM = 12,
        EACCES = 13,
        EBUSY = 16,
        EEXIST = 17,
        ENODEV = 19,
        EINVAL = 22,
        ENOSYS = 38,
        EBADFD = 77,
        EMSGSIZE = 90,
        EADDRINUSE = 98,
        ENOBUFS = 105,
        ECONNREFUSED = 111,
    }

    /// <summary>The errno of the last failed call on this thread.</summary>
    internal static Error LastError => (Error)Marshal.GetLastPInvokeError();

    /// <summary>An errno captured right after a failed call, with its text.</summary>
    internal readonly struct ErrorInfo(int rawErrno)
    {
        public int RawErrno { get; } = rawErrno;

        public Error Error => (Error)RawErrno;

        public string Message => Marshal.GetPInvokeErrorMessage(RawErrno);

        public static ErrorInfo Last() => new(Marshal.GetLastPInvokeError());

        public override string ToString() => $"{Message} (errno {RawErrno})";
    }
}

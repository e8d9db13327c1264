using System.Runtime.InteropServices;

namespace Nfv.Lab;

internal static class Interop
{
    public const int SIGKILL = 9;
    public const int SIGUSR2 = 12;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;

    /// <summary>kill(2): sends <paramref name="signal"/> to exactly process <paramref name="pid"/>.</summary>
    /// <remarks>
    /// A plain <c>DllImport</c>, not <c>LibraryImport</c>: the generator needs AllowUnsafeBlocks, which only
    /// Nfv.Dataplane has (docs/architecture.md), and two <c>int</c>s need no marshalling either way.
    /// </remarks>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // see remarks
    public static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}

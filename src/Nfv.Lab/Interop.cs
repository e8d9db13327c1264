using System.Runtime.InteropServices;

namespace Nfv.Lab;

/// <remarks>
/// Plain <c>DllImport</c>s, not <c>LibraryImport</c>: the generator needs AllowUnsafeBlocks, which only
/// Nfv.Dataplane has (docs/architecture.md), and these take only <c>int</c>s, a string and a byte array, which need no hand-written marshalling either way.
/// </remarks>
internal static class Interop
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGUSR2 = 12;
    public const int SIGALRM = 14;
    public const int SIGTERM = 15;

    /// <summary>The <c>nstype</c> of <see cref="SetNs"/> for a network namespace.</summary>
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>kill(2): sends <paramref name="signal"/> to exactly process <paramref name="pid"/>.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054 // see remarks
    public static extern int Kill(int pid, int signal);

    /// <summary>setns(2): moves the calling thread (only it) into the namespace <paramref name="fd"/> refers to.</summary>
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static extern int SetNs(int fd, int nstype);

    /// <summary>stat(2) into a buffer of at least 256 bytes (struct stat is 144 bytes on x86-64, 128 on arm64).</summary>
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    public static extern int Stat(string path, byte[] buffer);
#pragma warning restore SYSLIB1054
}

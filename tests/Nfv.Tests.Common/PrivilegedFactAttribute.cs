using Xunit;

namespace Nfv.Tests.Common;

/// <summary>
/// A test that creates TAP devices and network namespaces: it needs root, and says so when skipped.
/// Such tests bound every command they run themselves (see <see cref="Shell"/>).
/// </summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    /// <summary>Why a root-only test is skipped.</summary>
    internal const string SkipReason = "needs root: creates TAP devices and network namespaces (CI runs as root)";

    public PrivilegedFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = SkipReason;
        }
    }

    /// <summary>
    /// The programs the test drives, separated by spaces (peers such as <c>mausezahn</c>), and files it needs by full path
    /// (a VM image): without one of them the test is skipped, saying which, as when its Debian package could not be installed.
    /// </summary>
    public string? Needs
    {
        get => _needs;
        set
        {
            _needs = value;
            Skip ??= MissingProgramReason(value);
        }
    }

    private string? _needs;

    /// <summary>Why a test that needs <paramref name="programs"/> is skipped, or null when they are installed (or none is needed).</summary>
    internal static string? MissingProgramReason(string? programs) =>
        (programs ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => !IsInstalled(p)) is { } missing
            ? missing.StartsWith('/')
                ? $"needs {missing}, which does not exist (tests/run-all.sh makes it when the package registry answers)"
                : $"needs {missing}, which is not installed (tests/run-all.sh installs it when the package registry answers)"
            : null;

    private static bool IsInstalled(string program) => program.StartsWith('/') ? File.Exists(program) :
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]).Any(d => File.Exists(Path.Combine(d, program)));
}

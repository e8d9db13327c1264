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
    /// A program the test drives (a peer such as <c>mausezahn</c>): without it the test is skipped, saying so, as when
    /// its Debian package could not be installed.
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

    /// <summary>Why a test that needs <paramref name="program"/> is skipped, or null when it is installed (or none is needed).</summary>
    internal static string? MissingProgramReason(string? program) =>
        program is null || (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]).Any(d => File.Exists(Path.Combine(d, program)))
            ? null
            : $"needs {program}, which is not installed (tests/run-all.sh installs it when the package registry answers)";
}

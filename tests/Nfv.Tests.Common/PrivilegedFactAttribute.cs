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
}

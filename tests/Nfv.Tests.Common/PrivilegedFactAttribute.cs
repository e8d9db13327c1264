using Xunit;

namespace Nfv.Tests.Common;

/// <summary>
/// A test that creates TAP devices and network namespaces: it needs root, and says so when skipped.
/// Such tests bound every command they run themselves (see <see cref="Shell"/>).
/// </summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    public PrivilegedFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: creates TAP devices and network namespaces (CI runs as root)";
        }
    }
}

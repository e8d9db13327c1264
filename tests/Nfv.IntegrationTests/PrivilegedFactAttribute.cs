namespace Nfv.IntegrationTests;

/// <summary>A test that creates TAP devices and network namespaces: it needs root, and says so when skipped.</summary>
public sealed class PrivilegedFactAttribute : FactAttribute
{
    public PrivilegedFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: creates TAP devices and network namespaces (CI runs as root)";
        }
        Timeout = 120_000;
    }
}

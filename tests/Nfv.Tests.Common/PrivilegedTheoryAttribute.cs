using Xunit;

namespace Nfv.Tests.Common;

/// <summary>A <see cref="PrivilegedFactAttribute"/> with data: root-only, skipped with the reason without it.</summary>
public sealed class PrivilegedTheoryAttribute : TheoryAttribute
{
    public PrivilegedTheoryAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = PrivilegedFactAttribute.SkipReason;
        }
    }
}

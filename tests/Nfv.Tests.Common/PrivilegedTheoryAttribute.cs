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

    /// <summary>A program the test drives; without it the test is skipped, saying so (see <see cref="PrivilegedFactAttribute.Needs"/>).</summary>
    public string? Needs
    {
        get => _needs;
        set
        {
            _needs = value;
            Skip ??= PrivilegedFactAttribute.MissingProgramReason(value);
        }
    }

    private string? _needs;
}

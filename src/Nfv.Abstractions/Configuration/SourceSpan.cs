namespace Nfv.Abstractions.Configuration;

/// <summary>Where something was written: file, 1-based line and column.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    /// <summary>No position known.</summary>
    public static SourceSpan None => default;

    /// <inheritdoc/>
    public override string ToString() => $"{File}({Line},{Column})";
}

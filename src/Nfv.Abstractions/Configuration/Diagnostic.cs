namespace Nfv.Abstractions.Configuration;

/// <summary>How bad a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Refuses the topology.</summary>
    Error,
    /// <summary>Worth saying; does not stop the topology.</summary>
    Warning,
}

/// <summary>One problem found in a topology, MSBuild-style: <c>file(line,col): error CODE: message</c>.</summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceSpan Span)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Span.File is null ? $"{severity} {Code}: {Message}" : $"{Span}: {severity} {Code}: {Message}";
    }
}

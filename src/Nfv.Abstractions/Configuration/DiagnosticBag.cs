namespace Nfv.Abstractions.Configuration;

/// <summary>Collects every problem found; validation never stops at the first.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<Diagnostic> _seen = [];

    /// <summary>Everything reported, in order.</summary>
    public IReadOnlyList<Diagnostic> Items => _items;

    /// <summary>True when at least one error was reported.</summary>
    public bool HasErrors { get; private set; }

    /// <summary>Reports an error.</summary>
    public void Error(string code, SourceSpan span, string message) => Add(new Diagnostic(code, DiagnosticSeverity.Error, message, span));

    /// <summary>Reports a warning.</summary>
    public void Warning(string code, SourceSpan span, string message) => Add(new Diagnostic(code, DiagnosticSeverity.Warning, message, span));

    /// <summary>Adds a diagnostic, unless the same one (code, place and message) is there already: a YAML alias used many
    /// times must not repeat one mistake in as many lines.</summary>
    public void Add(Diagnostic diagnostic)
    {
        if (!_seen.Add(diagnostic))
        {
            return;
        }
        _items.Add(diagnostic);
        HasErrors |= diagnostic.Severity == DiagnosticSeverity.Error;
    }
}

namespace Nfv.Abstractions;

/// <summary>
/// Makes functions of one kind (<c>kind: switch</c>). Like YARP's transform factories it splits
/// reading and checking the configuration (<see cref="Define"/>) from building the running function
/// (<see cref="FunctionBlueprint.Build"/>), so a bad topology is refused before anything starts.
/// </summary>
public interface INetworkFunctionFactory
{
    /// <summary>The <c>kind</c> this factory makes, in lower case.</summary>
    string Kind { get; }

    /// <summary>One line on what the function does.</summary>
    string Summary { get; }

    /// <summary>
    /// How this kind's own diagnostic codes begin (its kind in capitals by default: <c>FIREWALL</c> for
    /// <c>FIREWALL001</c>), so two functions from different authors cannot report the same code for different things.
    /// The catalog refuses two kinds whose prefixes overlap; the loader refuses a code a factory reports outside its
    /// prefix and outside the shared codes of <see cref="Configuration.DiagnosticCodes"/> (NFV0xxx).
    /// </summary>
    string DiagnosticPrefix => Kind.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);

    /// <summary>
    /// Reads and checks the function's configuration. Every problem is added to
    /// <see cref="FunctionDefinitionContext.Diagnostics"/>; this never throws for bad input.
    /// Returns null when the configuration is unusable.
    /// </summary>
    FunctionBlueprint? Define(FunctionDefinitionContext context);
}

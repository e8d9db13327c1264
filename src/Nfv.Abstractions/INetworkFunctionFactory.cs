using Nfv.Abstractions.Configuration;

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
    /// Reads and checks the function's configuration. Every problem is added to
    /// <see cref="FunctionDefinitionContext.Diagnostics"/>; this never throws for bad input.
    /// Returns null when the configuration is unusable.
    /// </summary>
    FunctionBlueprint? Define(FunctionDefinitionContext context);
}

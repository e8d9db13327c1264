using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>What a factory gets to define one function from the topology file.</summary>
/// <param name="Name">The function's name in the topology.</param>
/// <param name="Config">The function's mapping, <c>kind</c> included.</param>
/// <param name="Diagnostics">Where problems go.</param>
public sealed record FunctionDefinitionContext(string Name, ConfigMapping Config, DiagnosticBag Diagnostics);

namespace Nfv.Abstractions.Inspection;

/// <summary>One event counter of a function (<c>learned</c>, <c>flooded</c>): a name, what it counts, and how to read it from any thread.</summary>
/// <param name="Name">Lower case with underscores; becomes the <c>event</c> label of <c>nfv_function_events_total</c>.</param>
/// <param name="Help">What one increment means.</param>
/// <param name="Read">Reads the current value; safe from any thread.</param>
public sealed record FunctionCounter(string Name, string Help, Func<long> Read);

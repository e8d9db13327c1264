namespace Nfv.Lab;

/// <summary>
/// How far setting up or removing a lab has gone, reported as it goes (<see cref="LabEnvironment"/>'s progress):
/// <paramref name="Done"/> of <paramref name="Total"/> things of one phase. A phase is over when they are equal.
/// </summary>
/// <param name="Phase">What is being made or removed: <c>ports</c>, <c>namespaces</c>, <c>hosts</c>, <c>removing namespaces</c>, <c>closing ports</c>.</param>
/// <param name="Done">How many are done.</param>
/// <param name="Total">How many there are in all.</param>
public readonly record struct LabStep(string Phase, int Done, int Total);

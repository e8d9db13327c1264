using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// A function that takes a new configuration while it runs, keeping its state where it still fits (an impairment keeps
/// the packets on its delay line): <c>nfv impair</c> and <c>PUT /api/functions/NAME/config</c> change one this way,
/// without restarting the topology, and so does <c>nfv apply</c> when a function's settings change but not its ports.
/// Optional: a function without it keeps the configuration it was built with, and <c>nfv apply</c> builds a new one.
/// </summary>
/// <remarks>
/// Called on the worker thread that runs the function, between two batches (the management API goes through the
/// worker's request queue), so the function changes its fields without locks, as in <c>Process</c>.
/// </remarks>
public interface IReconfigurableFunction
{
    /// <summary>
    /// Checks <paramref name="config"/> (the function's mapping as a topology file would write it, <c>kind</c> included)
    /// as the factory does and, when it has no error, adopts it. Every problem goes to <paramref name="diagnostics"/>
    /// with its place; with an error nothing changes. Returns true when the new configuration is in use.
    /// </summary>
    bool Reconfigure(ConfigMapping config, DiagnosticBag diagnostics);

    /// <summary>
    /// Whether settings its factory accepted (<paramref name="config"/>, <c>kind</c> included) can be taken in place; when
    /// not, <c>nfv apply</c> builds a new instance instead, whose state starts afresh (a NAT asked for another port range
    /// cannot keep its table). Called on any thread, while the function runs: decide from the settings alone, never from
    /// state. The default takes any.
    /// </summary>
    bool CanReconfigure(ConfigMapping config) => true;
}

namespace Nfv.Functions.Steer;

/// <summary>
/// Diagnostic codes of the steering function's configuration, in the NFV17xx range given to it. Never reuse a retired
/// code. Generic problems use the shared codes: unknown key NFV0102, missing key NFV0101, wrong shape NFV0201, bad name
/// NFV0206, a match's bad value NFV0208 or missing protocol NFV0209, unknown port in a link NFV0105.
/// </summary>
public static class SteerDiagnosticCodes
{
    /// <summary>A class or the default names a chain that <c>chains</c> does not list (nor <c>direct</c>).</summary>
    public const string UnknownChain = "NFV1701";

    /// <summary>A chain listed twice, or named <c>direct</c>, <c>inside</c> or <c>outside</c>, or ending in <c>-end</c>.</summary>
    public const string BadChain = "NFV1702";

    /// <summary>A chain no class and not the default sends traffic to (a warning).</summary>
    public const string UnusedChain = "NFV1703";
}

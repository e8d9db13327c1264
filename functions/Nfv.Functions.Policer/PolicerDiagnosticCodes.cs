namespace Nfv.Functions.Policer;

/// <summary>
/// Diagnostic codes of the policer's configuration, in the NFV16xx range given to it. Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, missing key NFV0101, wrong shape NFV0201, bad number
/// NFV0202, a match's bad value NFV0208 or missing protocol NFV0209, a bad rate NFV0210 or burst NFV0211, unknown port
/// in a link NFV0105. Retired: NFV1601 and NFV1602 (a bad rate and burst, now the shared codes).
/// </summary>
public static class PolicerDiagnosticCodes
{
    /// <summary>A word that is not one of those the key takes (<c>direction: up</c>, <c>exceed: shape</c>).</summary>
    public const string BadChoice = "NFV1603";

    /// <summary><c>exceed: remark</c> without <c>remark-dscp</c>, or <c>remark-dscp</c> without <c>exceed: remark</c>.</summary>
    public const string RemarkNeedsDscp = "NFV1604";

    /// <summary>Two classes with one name.</summary>
    public const string DuplicateClass = "NFV1605";
}

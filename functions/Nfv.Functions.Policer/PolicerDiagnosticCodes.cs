namespace Nfv.Functions.Policer;

/// <summary>
/// Diagnostic codes of the policer's configuration, in the NFV16xx range given to it. Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, missing key NFV0101, wrong shape NFV0201, bad number
/// NFV0202, a match's bad value NFV0208 or missing protocol NFV0209, unknown port in a link NFV0105.
/// </summary>
public static class PolicerDiagnosticCodes
{
    /// <summary>A rate that is not a number with a unit (<c>10mbit</c>, <c>512kbit</c>, <c>1gbit</c>), or out of 8 kbit/s to 100 gbit/s.</summary>
    public const string BadRate = "NFV1601";

    /// <summary>A burst that is not a size (<c>64kb</c>, <c>1500b</c>, <c>1mb</c>), or out of 1500 bytes to 64 MB.</summary>
    public const string BadBurst = "NFV1602";

    /// <summary>A word that is not one of those the key takes (<c>direction: up</c>, <c>exceed: shape</c>).</summary>
    public const string BadChoice = "NFV1603";

    /// <summary><c>exceed: remark</c> without <c>remark-dscp</c>, or <c>remark-dscp</c> without <c>exceed: remark</c>.</summary>
    public const string RemarkNeedsDscp = "NFV1604";

    /// <summary>Two classes with one name.</summary>
    public const string DuplicateClass = "NFV1605";
}

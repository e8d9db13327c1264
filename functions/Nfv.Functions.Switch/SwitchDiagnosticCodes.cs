namespace Nfv.Functions.Switch;

/// <summary>
/// Diagnostic codes of the switch's configuration, in the NFV11xx range reserved for it
/// (see <c>Nfv.Abstractions.Configuration.DiagnosticCodes</c>). Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, bad number NFV0202, bad duration NFV0205,
/// bad VLAN id NFV0207, unknown port in a link NFV0105.
/// </summary>
public static class SwitchDiagnosticCodes
{
    /// <summary>A port has both <c>vlan</c> (access) and <c>trunk</c>.</summary>
    public const string VlanAndTrunk = "NFV1101";

    /// <summary><c>native</c> on a port that is not a trunk.</summary>
    public const string NativeWithoutTrunk = "NFV1102";

    /// <summary>A trunk that carries no VLAN at all (empty list and no native VLAN).</summary>
    public const string EmptyTrunk = "NFV1103";

    /// <summary>A VLAN listed twice in a trunk (a warning).</summary>
    public const string DuplicateVlan = "NFV1104";

    /// <summary>A port name that cannot be written in a link (<c>switch.port</c>).</summary>
    public const string BadPortName = "NFV1105";
}

namespace Nfv.Functions.Switch;

/// <summary>How a switch port carries VLANs.</summary>
public enum SwitchPortMode
{
    /// <summary>One VLAN, untagged on the wire; tagged frames are dropped.</summary>
    Access = 0,

    /// <summary>Several VLANs tagged on the wire, plus an optional native VLAN sent and received untagged.</summary>
    Trunk = 1,
}

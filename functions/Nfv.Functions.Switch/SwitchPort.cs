using Nfv.Abstractions.Configuration;

namespace Nfv.Functions.Switch;

/// <summary>
/// One port of a switch and the VLANs it carries: an access port (<c>{ vlan: 10 }</c>) or a trunk
/// (<c>{ trunk: [10, 20], native: 1 }</c>).
/// </summary>
/// <remarks>
/// A trunk's native VLAN is carried untagged, whether or not it is also listed in <see cref="TrunkVlans"/>;
/// a frame tagged with the native VLAN's id is accepted too. A trunk without a native VLAN drops untagged frames.
/// </remarks>
public sealed record SwitchPort
{
    /// <summary>The default VLAN of an access port, and of the ports a bare link creates.</summary>
    public const int DefaultVlan = 1;

    /// <summary>The port's name, as written after the dot in a link (<c>lan.up</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Access or trunk.</summary>
    public SwitchPortMode Mode { get; init; } = SwitchPortMode.Access;

    /// <summary>The VLAN of an access port (1..4094). Ignored on a trunk.</summary>
    public int AccessVlan { get; init; } = DefaultVlan;

    /// <summary>The VLANs a trunk carries tagged (1..4094), sorted, no duplicates. Empty on an access port.</summary>
    public IReadOnlyList<int> TrunkVlans { get; init; } = [];

    /// <summary>A trunk's native VLAN, carried untagged; null when untagged frames are dropped. Null on an access port.</summary>
    public int? NativeVlan { get; init; }

    /// <summary>
    /// Port security: the most source addresses the port may have in the MAC table (0: no limit). Frames from further
    /// addresses are dropped, so one port flooding random sources can neither fill the table nor pose as many hosts.
    /// </summary>
    public int MaxMacs { get; init; }

    /// <summary>Where the port was declared (or linked, for a port a bare link created).</summary>
    public SourceSpan Span { get; init; }

    /// <summary>The VLAN untagged frames belong to: the access VLAN, or a trunk's native VLAN; 0 when there is none.</summary>
    public int UntaggedVlan => Mode == SwitchPortMode.Access ? AccessVlan : NativeVlan ?? 0;

    /// <summary>True when the port carries <paramref name="vlan"/> (tagged or untagged).</summary>
    public bool Carries(int vlan)
    {
        if (vlan == UntaggedVlan)
        {
            return vlan != 0;
        }
        if (Mode != SwitchPortMode.Trunk)
        {
            return false;
        }
        foreach (int v in TrunkVlans)
        {
            if (v == vlan)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>An access port in <paramref name="vlan"/>.</summary>
    public static SwitchPort Access(string name, int vlan = DefaultVlan) => new() { Name = name, AccessVlan = vlan };

    /// <summary>A trunk carrying <paramref name="vlans"/> tagged and <paramref name="native"/>, if any, untagged.</summary>
    public static SwitchPort Trunk(string name, IEnumerable<int> vlans, int? native = null)
    {
        var sorted = new SortedSet<int>(vlans);
        return new() { Name = name, Mode = SwitchPortMode.Trunk, AccessVlan = 0, TrunkVlans = [.. sorted], NativeVlan = native };
    }

    /// <summary>The port as it would be written in a topology file.</summary>
    public override string ToString() => Mode == SwitchPortMode.Access
        ? $"{Name}: {{ vlan: {AccessVlan} }}"
        : NativeVlan is { } native
            ? $"{Name}: {{ trunk: [{string.Join(", ", TrunkVlans)}], native: {native} }}"
            : $"{Name}: {{ trunk: [{string.Join(", ", TrunkVlans)}] }}";
}

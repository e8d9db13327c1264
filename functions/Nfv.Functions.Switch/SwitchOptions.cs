namespace Nfv.Functions.Switch;

/// <summary>
/// The configuration of one switch: the <c>kind: switch</c> mapping of a topology file.
/// </summary>
/// <example>
/// <code>
/// lan:
///   kind: switch
///   ageing: 300s
///   mac-table-size: 8192
///   mtu: 9000
///   ports:
///     a:  { vlan: 10 }
///     up: { trunk: [10, 20], native: 1 }
/// </code>
/// </example>
public sealed record SwitchOptions
{
    /// <summary>Default of <see cref="Ageing"/>: 300 s, as IEEE 802.1D recommends.</summary>
    public static readonly TimeSpan DefaultAgeing = TimeSpan.FromSeconds(300);

    /// <summary>Default of <see cref="MacTableSize"/>.</summary>
    public const int DefaultMacTableSize = 8192;

    /// <summary>Default of <see cref="Mtu"/>: jumbo frames pass.</summary>
    public const int DefaultMtu = 9000;

    /// <summary>Shortest <see cref="Ageing"/> accepted.</summary>
    public static readonly TimeSpan MinAgeing = TimeSpan.FromSeconds(1);

    /// <summary>Longest <see cref="Ageing"/> accepted (IEEE 802.1D's upper bound).</summary>
    public static readonly TimeSpan MaxAgeing = TimeSpan.FromSeconds(1_000_000);

    /// <summary>Largest <see cref="MacTableSize"/> accepted.</summary>
    public const int MaxMacTableSize = 1 << 20;

    /// <summary>Smallest <see cref="Mtu"/> accepted (the IPv4 minimum).</summary>
    public const int MinMtu = 68;

    /// <summary>Largest <see cref="Mtu"/> accepted.</summary>
    public const int MaxMtu = 65535;

    /// <summary>
    /// How long a learned address lives without being seen as a source (<c>ageing</c>, a duration). After that its
    /// frames are flooded again until it speaks.
    /// </summary>
    public TimeSpan Ageing { get; init; } = DefaultAgeing;

    /// <summary>
    /// The most (VLAN, MAC) entries the switch learns (<c>mac-table-size</c>). When full, new sources are not learned
    /// (frames to them are flooded) until entries age out; the table never grows.
    /// </summary>
    public int MacTableSize { get; init; } = DefaultMacTableSize;

    /// <summary>
    /// The largest payload (<c>mtu</c>): a frame that is not a GSO super-frame and is longer than
    /// <c>mtu</c> + 14, plus 4 per VLAN tag, is dropped as <see cref="SwitchDrop.Oversize"/>.
    /// </summary>
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>The ports, in run-time index order (<c>ports:</c> in file order, then those bare links created).</summary>
    public IReadOnlyList<SwitchPort> Ports { get; init; } = [];
}

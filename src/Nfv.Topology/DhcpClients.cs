namespace Nfv.Topology;

/// <summary>
/// The names of the <see cref="DhcpClientKind"/>s as a topology writes them (<c>dhcp-client: udhcpc</c>), which are
/// also their programs' names, and how <see cref="DhcpClientKind.Auto"/> picks one on this machine.
/// </summary>
public static class DhcpClients
{
    /// <summary>The client a host with <c>address: dhcp</c> runs when the file names none.</summary>
    public const DhcpClientKind Default = DhcpClientKind.Auto;

    /// <summary>
    /// The order <see cref="DhcpClientKind.Auto"/> tries the real clients in: dhclient first, the client a standard
    /// Debian 12 system runs (see src/Nfv.Topology/README.md), then the embedded one, then Debian 13's default.
    /// </summary>
    public static IReadOnlyList<DhcpClientKind> Preference { get; } = [DhcpClientKind.Dhclient, DhcpClientKind.Udhcpc, DhcpClientKind.Dhcpcd];

    /// <summary>Every client name, in the order the docs list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "dhclient", "udhcpc", "dhcpcd", "builtin"];

    /// <summary>The program (and topology) name of <paramref name="kind"/>.</summary>
    public static string Name(DhcpClientKind kind) => kind switch
    {
        DhcpClientKind.Auto => "auto",
        DhcpClientKind.Dhclient => "dhclient",
        DhcpClientKind.Udhcpc => "udhcpc",
        DhcpClientKind.Dhcpcd => "dhcpcd",
        DhcpClientKind.Builtin => "builtin",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a DHCP client"),
    };

    /// <summary>The Debian package that installs <paramref name="kind"/>; null for the ones nfv carries.</summary>
    public static string? Package(DhcpClientKind kind) => kind switch
    {
        DhcpClientKind.Dhclient => "isc-dhcp-client",
        DhcpClientKind.Udhcpc => "udhcpc",
        DhcpClientKind.Dhcpcd => "dhcpcd-base",
        DhcpClientKind.Auto or DhcpClientKind.Builtin => null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a DHCP client"),
    };

    /// <summary>
    /// The command that starts <paramref name="kind"/> on this machine (<c>["udhcpc"]</c>, or <c>["busybox", "udhcpc"]</c>
    /// when only BusyBox is installed), or null when it is not installed. Null for <see cref="DhcpClientKind.Auto"/> and
    /// <see cref="DhcpClientKind.Builtin"/>, which are not programs.
    /// </summary>
    public static string[]? Program(DhcpClientKind kind, IMachineProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (kind is DhcpClientKind.Auto or DhcpClientKind.Builtin)
        {
            return null;
        }
        var name = Name(kind);
        if (probe.ProgramExists(name))
        {
            return [name];
        }
        return kind == DhcpClientKind.Udhcpc && probe.ProgramExists("busybox") ? ["busybox", name] : null;
    }

    /// <summary>
    /// The client a host that asked for <paramref name="requested"/> runs: itself, or for <see cref="DhcpClientKind.Auto"/>
    /// the first installed of <see cref="Preference"/>, else <see cref="DhcpClientKind.Builtin"/>. A named client that
    /// is missing stays as named (<see cref="MachineChecks"/> refuses it).
    /// </summary>
    public static DhcpClientKind Choose(DhcpClientKind requested, IMachineProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (requested != DhcpClientKind.Auto)
        {
            return requested;
        }
        foreach (var kind in Preference)
        {
            if (Program(kind, probe) is not null)
            {
                return kind;
            }
        }
        return DhcpClientKind.Builtin;
    }

    /// <summary>Matches a name without case; false for anything else.</summary>
    public static bool TryParse(string name, out DhcpClientKind kind)
    {
        foreach (var candidate in Enum.GetValues<DhcpClientKind>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }
}

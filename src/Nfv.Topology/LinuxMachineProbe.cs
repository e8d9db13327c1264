namespace Nfv.Topology;

/// <summary>
/// Reads Linux's view: an interface exists when <c>/sys/class/net/NAME</c> does, a named network
/// namespace when <c>/run/netns/NAME</c> or <c>/var/run/netns/NAME</c> does, a program when an executable file of
/// that name is in one of <see cref="ProgramDirectories"/>. Needs no privilege.
/// </summary>
public sealed class LinuxMachineProbe : IMachineProbe
{
    private readonly string _interfaces;
    private readonly string[] _namespaces;

    /// <summary>Probes the real machine.</summary>
    public LinuxMachineProbe()
        : this("/sys/class/net", "/run/netns", "/var/run/netns")
    {
    }

    /// <summary>Probes other folders (tests, containers with /sys mounted elsewhere).</summary>
    /// <param name="interfacesDirectory">The folder that holds one entry per interface (<c>/sys/class/net</c>).</param>
    /// <param name="namespaceDirectories">The folders that hold one entry per named namespace.</param>
    public LinuxMachineProbe(string interfacesDirectory, params string[] namespaceDirectories)
    {
        ArgumentNullException.ThrowIfNull(interfacesDirectory);
        ArgumentNullException.ThrowIfNull(namespaceDirectories);
        _interfaces = interfacesDirectory;
        _namespaces = namespaceDirectories;
    }

    /// <summary>
    /// Where programs are looked for: <c>PATH</c>, then /usr/sbin, /usr/bin, /sbin and /bin, which a root shell has
    /// but a service or <c>sudo</c> without <c>-i</c> may lack (the DHCP clients live in /usr/sbin); or exactly the
    /// folders of <see cref="ProgramPathVariable"/> when it is set. Child processes nfv starts get this as their <c>PATH</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultProgramDirectories { get; } = ProgramDirectoriesFrom(
        Environment.GetEnvironmentVariable(ProgramPathVariable), Environment.GetEnvironmentVariable("PATH"));

    /// <summary>
    /// The environment variable that, when set, replaces where nfv looks for programs (a <c>PATH</c>-style list): to
    /// pin the programs a lab runs, or to try a topology as a machine without some of them would run it.
    /// </summary>
    public const string ProgramPathVariable = "NFV_PROGRAM_PATH";

    /// <summary>The folders programs are looked for in, given <see cref="ProgramPathVariable"/> and <c>PATH</c> (see <see cref="DefaultProgramDirectories"/>).</summary>
    public static IReadOnlyList<string> ProgramDirectoriesFrom(string? programPath, string? path) =>
        programPath is not null
            ? [.. programPath.Split(':', StringSplitOptions.RemoveEmptyEntries).Distinct()]
            : [.. (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"]).Distinct()];

    /// <summary>The folders <see cref="ProgramExists"/> searches; <see cref="DefaultProgramDirectories"/> unless set.</summary>
    public IReadOnlyList<string> ProgramDirectories { get; init; } = DefaultProgramDirectories;

    /// <inheritdoc/>
    public bool ProgramExists(string name)
    {
        if (!IsPlainName(name))
        {
            return false;
        }
        foreach (var directory in ProgramDirectories)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path) && (OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc/>
    public bool InterfaceExists(string name) => IsPlainName(name) && Path.Exists(Path.Combine(_interfaces, name));

    /// <inheritdoc/>
    public bool NamespaceExists(string name)
    {
        if (!IsPlainName(name))
        {
            return false;
        }
        foreach (var directory in _namespaces)
        {
            if (Path.Exists(Path.Combine(directory, name)))
            {
                return true;
            }
        }
        return false;
    }

    // A name that is not one path component cannot be an interface or a namespace; never probe outside the folder.
    private static bool IsPlainName(string name) =>
        !string.IsNullOrEmpty(name) && name is not "." and not ".." && name.IndexOfAny(['/', '\0']) < 0;
}

namespace Nfv.Topology;

/// <summary>
/// Reads Linux's view: an interface exists when <c>/sys/class/net/NAME</c> does, a named network
/// namespace when <c>/run/netns/NAME</c> or <c>/var/run/netns/NAME</c> does. Needs no privilege.
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

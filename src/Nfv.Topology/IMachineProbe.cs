namespace Nfv.Topology;

/// <summary>Asks the machine what already exists, so <see cref="MachineChecks"/> can be tested without root.</summary>
public interface IMachineProbe
{
    /// <summary>True when a network interface named <paramref name="name"/> exists.</summary>
    bool InterfaceExists(string name);

    /// <summary>True when a named network namespace <paramref name="name"/> exists (as <c>ip netns add</c> makes them).</summary>
    bool NamespaceExists(string name);

    /// <summary>True when a program named <paramref name="name"/> (a DHCP client) is installed; probes that cannot tell say true.</summary>
    bool ProgramExists(string name) => true;

    /// <summary>True when a file exists at <paramref name="path"/> (a VM's kernel or disk).</summary>
    bool FileExists(string path) => File.Exists(path);
}

namespace Nfv.Topology;

/// <summary>
/// A topology file, checked and resolved: every name is an index, every link is attached to its
/// functions' blueprints. Only built when the file has no error.
/// </summary>
public sealed record ResolvedTopology
{
    /// <summary>The topology's name: <c>name:</c>, or the file name without its extension.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>description:</c>, or null.</summary>
    public string? Description { get; init; }

    /// <summary>The file's path as it was given to the loader.</summary>
    public required string FilePath { get; init; }

    /// <summary>The full paths of the plugins the file names (<c>plugins:</c>), in file order.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>The machines the topology is split over (<c>nodes:</c>), in file order; empty for one machine.</summary>
    public IReadOnlyList<ResolvedNode> Nodes { get; init; } = [];

    /// <summary>The functions, in file order.</summary>
    public required IReadOnlyList<ResolvedFunction> Functions { get; init; }

    /// <summary>The external ports, in file order.</summary>
    public required IReadOnlyList<ResolvedExternalPort> Ports { get; init; }

    /// <summary>The links, in file order.</summary>
    public required IReadOnlyList<ResolvedLink> Links { get; init; }

    /// <summary>The lab hosts, in file order: network namespaces and VMs.</summary>
    public required IReadOnlyList<ResolvedHost> Hosts { get; init; }

    /// <summary>What <c>nfv test</c> checks on the running lab (<c>tests:</c>), in file order.</summary>
    public IReadOnlyList<LabTest> Tests { get; init; } = [];

    /// <summary>The lab hosts that are network namespaces (<see cref="ResolvedHost.Vm"/> null), in file order.</summary>
    public IEnumerable<ResolvedHost> NamespaceHosts => Hosts.Where(h => h.Vm is null);

    /// <summary>
    /// For each port of function <paramref name="functionIndex"/> (by port index), whether a link is
    /// attached to it: what <see cref="Nfv.Abstractions.FunctionBuildContext.ConnectedPorts"/> wants.
    /// </summary>
    public IReadOnlyList<bool> GetConnectedPorts(int functionIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(functionIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(functionIndex, Functions.Count);
        var connected = new bool[Functions[functionIndex].Blueprint.Ports.Count];
        foreach (var link in Links)
        {
            Mark(link.A);
            Mark(link.B);
        }
        return connected;

        void Mark(LinkEndpoint end)
        {
            if (end.Kind == EndpointKind.Function && end.Index == functionIndex && (uint)end.Port < (uint)connected.Length)
            {
                connected[end.Port] = true;
            }
        }
    }
}

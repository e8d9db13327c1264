using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>
/// What differs between the topology a lab runs and a new version of its file (<c>nfv apply</c>), element by element
/// and by name: functions (their kind, settings and ports), external ports, links, lab hosts and tests. Pure: it reads
/// two resolved topologies and changes nothing; the runtime decides from it what to keep, change in place or rebuild.
/// </summary>
public sealed class TopologyDiff
{
    private readonly int[] _functionBefore;
    private readonly FunctionChange[] _functionChanges;
    private readonly int[] _portBefore;
    private readonly bool[] _hostKept;

    private TopologyDiff(ResolvedTopology running, ResolvedTopology next)
    {
        Running = running;
        Next = next;
        _functionBefore = new int[next.Functions.Count];
        _functionChanges = new FunctionChange[next.Functions.Count];
        _portBefore = new int[next.Ports.Count];
        _hostKept = new bool[next.Hosts.Count];
    }

    /// <summary>The topology that runs now.</summary>
    public ResolvedTopology Running { get; }

    /// <summary>The topology it becomes.</summary>
    public ResolvedTopology Next { get; }

    /// <summary>Every difference, functions first, then ports, links, hosts and tests, each in file order.</summary>
    public IReadOnlyList<TopologyChange> Changes { get; private set; } = [];

    /// <summary>Differences a running lab cannot take (its name, the machines it is split over): nfv must be restarted.</summary>
    public IReadOnlyList<string> Refusals { get; private set; } = [];

    /// <summary>True when the file asks for nothing new.</summary>
    public bool IsEmpty => Changes.Count == 0 && Refusals.Count == 0;

    /// <summary>The index in <see cref="Running"/> of <see cref="Next"/>'s function <paramref name="next"/>, or -1 when it is new (or of another kind).</summary>
    public int FunctionBefore(int next) => _functionBefore[next];

    /// <summary>How <see cref="Next"/>'s function <paramref name="next"/> differs from the running one of its name.</summary>
    public FunctionChange FunctionChangeOf(int next) => _functionChanges[next];

    /// <summary>The index in <see cref="Running"/> of <see cref="Next"/>'s port <paramref name="next"/>, or -1 when it is new or set up differently.</summary>
    public int PortBefore(int next) => _portBefore[next];

    /// <summary>True when <see cref="Next"/>'s host <paramref name="next"/> runs already, set up the same way, on a kept port.</summary>
    public bool IsHostKept(int next) => _hostKept[next];

    /// <summary>The running hosts that go: removed from the file, or changed (they come back as <see cref="AddedHosts"/>).</summary>
    public IEnumerable<ResolvedHost> RemovedHosts => Running.Hosts.Where(h => !Next.Hosts.Where((n, i) => _hostKept[i]).Any(n => n.Name == h.Name));

    /// <summary>The hosts of <see cref="Next"/> to set up: new, or changed.</summary>
    public IEnumerable<ResolvedHost> AddedHosts => Next.Hosts.Where((h, i) => !_hostKept[i]);

    /// <summary>The indices in <see cref="Running"/> of the ports that go: removed, or set up differently.</summary>
    public IEnumerable<int> RemovedPorts => Enumerable.Range(0, Running.Ports.Count).Where(i => !_portBefore.Contains(i));

    /// <summary>The indices in <see cref="Next"/> of the ports to create: new, or set up differently.</summary>
    public IEnumerable<int> AddedPorts => Enumerable.Range(0, Next.Ports.Count).Where(i => _portBefore[i] < 0);

    /// <summary>Compares <paramref name="running"/> with <paramref name="next"/>.</summary>
    public static TopologyDiff Between(ResolvedTopology running, ResolvedTopology next)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        var diff = new TopologyDiff(running, next);
        var changes = new List<TopologyChange>();
        diff.CompareFunctions(changes);
        diff.ComparePorts(changes);
        CompareLinks(running, next, changes);
        diff.CompareHosts(changes);
        if (!running.Tests.Select(t => t.ToString()).SequenceEqual(next.Tests.Select(t => t.ToString())))
        {
            changes.Add(new TopologyChange(ChangeKind.Changed, "tests", "", $"{next.Tests.Count} (were {running.Tests.Count})"));
        }
        diff.Changes = changes;
        diff.Refusals = Refuse(running, next);
        return diff;
    }

    private void CompareFunctions(List<TopologyChange> changes)
    {
        var before = IndexByName(Running.Functions.Select(f => f.Name));
        for (int i = 0; i < Next.Functions.Count; i++)
        {
            var function = Next.Functions[i];
            _functionBefore[i] = -1;
            bool named = before.TryGetValue(function.Name, out int old);
            if (!named || Running.Functions[old].Kind != function.Kind)
            {
                _functionChanges[i] = FunctionChange.Added;
                changes.Add(new TopologyChange(ChangeKind.Added, "function", function.Name,
                    named ? $"{function.Kind}, replacing the {Running.Functions[old].Kind} of that name" : function.Kind));
                continue;
            }
            _functionBefore[i] = old;
            var running = Running.Functions[old];
            var settings = ChangedKeys(running.Config, function.Config);
            bool ports = !running.Blueprint.Ports.SequenceEqual(function.Blueprint.Ports) ||
                !Running.GetConnectedPorts(old).SequenceEqual(Next.GetConnectedPorts(i));
            _functionChanges[i] = ports ? FunctionChange.Ports : settings.Count > 0 ? FunctionChange.Settings : FunctionChange.None;
            if (_functionChanges[i] != FunctionChange.None)
            {
                var what = new List<string>();
                if (settings.Count > 0)
                {
                    what.Add($"settings: {string.Join(", ", settings)}");
                }
                if (ports)
                {
                    what.Add($"ports: {Describe(running.Blueprint.Ports)} -> {Describe(function.Blueprint.Ports)}");
                }
                changes.Add(new TopologyChange(ChangeKind.Changed, "function", function.Name, $"{function.Kind}, {string.Join("; ", what)}"));
            }
        }
        foreach (var function in Running.Functions.Where((f, i) => !_functionBefore.Contains(i)))
        {
            if (!Next.Functions.Any(f => f.Name == function.Name))
            {
                changes.Add(new TopologyChange(ChangeKind.Removed, "function", function.Name, function.Kind));
            }
        }

        static string Describe(IReadOnlyList<string> ports) => ports.Count == 0 ? "none" : string.Join(" ", ports);
    }

    private void ComparePorts(List<TopologyChange> changes)
    {
        var before = IndexByName(Running.Ports.Select(p => p.Name));
        for (int i = 0; i < Next.Ports.Count; i++)
        {
            var port = Next.Ports[i];
            _portBefore[i] = -1;
            if (!before.TryGetValue(port.Name, out int old))
            {
                changes.Add(new TopologyChange(ChangeKind.Added, "port", port.Name, port.Describe()));
                continue;
            }
            var running = Running.Ports[old];
            // By what is set up (the VXLAN settings' list of remotes would compare by reference in a record).
            if (running.Describe() == port.Describe() && running.Node == port.Node)
            {
                _portBefore[i] = old;
                continue;
            }
            changes.Add(new TopologyChange(ChangeKind.Changed, "port", port.Name, $"{running.Describe()} -> {port.Describe()}, made anew"));
        }
        foreach (var port in Running.Ports.Where(p => !Next.Ports.Any(n => n.Name == p.Name)))
        {
            changes.Add(new TopologyChange(ChangeKind.Removed, "port", port.Name, port.Describe()));
        }
    }

    private static void CompareLinks(ResolvedTopology running, ResolvedTopology next, List<TopologyChange> changes)
    {
        var before = running.Links.ToDictionary(l => l.ToString(), StringComparer.Ordinal);
        var after = next.Links.ToDictionary(l => l.ToString(), StringComparer.Ordinal);
        foreach (var (name, link) in after)
        {
            if (!before.TryGetValue(name, out var old))
            {
                changes.Add(new TopologyChange(ChangeKind.Added, "link", name, link.Capture is { } c ? $"captured to {c}" : ""));
            }
            else if (old.Capture != link.Capture)
            {
                changes.Add(new TopologyChange(ChangeKind.Changed, "link", name,
                    $"capture {old.Capture ?? "none"} -> {link.Capture ?? "none"}, which takes effect when nfv next starts"));
            }
        }
        foreach (var name in before.Keys.Where(n => !after.ContainsKey(n)))
        {
            changes.Add(new TopologyChange(ChangeKind.Removed, "link", name, ""));
        }
    }

    private void CompareHosts(List<TopologyChange> changes)
    {
        var before = IndexByName(Running.Hosts.Select(h => h.Name));
        for (int i = 0; i < Next.Hosts.Count; i++)
        {
            var host = Next.Hosts[i];
            string detail = $"{host.Addressing}{(host.Vm is not null ? ", VM" : "")} on port {Next.Ports[host.PortIndex].Name}";
            if (!before.TryGetValue(host.Name, out int old))
            {
                changes.Add(new TopologyChange(ChangeKind.Added, "host", host.Name, detail));
                continue;
            }
            var running = Running.Hosts[old];
            bool portKept = _portBefore[host.PortIndex] == running.PortIndex;
            _hostKept[i] = portKept && running with { PortIndex = 0, Span = default } == host with { PortIndex = 0, Span = default };
            if (!_hostKept[i])
            {
                changes.Add(new TopologyChange(ChangeKind.Changed, "host", host.Name, $"{detail}, made anew"));
            }
        }
        foreach (var host in Running.Hosts.Where(h => !Next.Hosts.Any(n => n.Name == h.Name)))
        {
            changes.Add(new TopologyChange(ChangeKind.Removed, "host", host.Name, host.Addressing));
        }
    }

    private static List<string> Refuse(ResolvedTopology running, ResolvedTopology next)
    {
        var refusals = new List<string>();
        if (running.Name != next.Name)
        {
            refusals.Add($"the topology's name changes from '{running.Name}' to '{next.Name}': that is another lab (stop this one and run it)");
        }
        if (running.Nodes.Count > 0 || next.Nodes.Count > 0)
        {
            refusals.Add("the topology is split over machines (nodes:): apply it by restarting nfv on each node");
        }
        return refusals;
    }

    /// <summary>The top-level keys whose values differ (added, removed or changed), in the new mapping's order.</summary>
    private static List<string> ChangedKeys(ConfigMapping before, ConfigMapping after)
    {
        var keys = after.Entries.Select(e => e.Key.Value).Concat(before.Entries.Select(e => e.Key.Value)).Distinct();
        return [.. keys.Where(k => !Same(before[k], after[k]))];
    }

    /// <summary>True when two configuration nodes say the same thing, wherever they are written and in whatever key order.</summary>
    public static bool Same(ConfigNode? a, ConfigNode? b) => (a, b) switch
    {
        (null, null) => true,
        (ConfigScalar x, ConfigScalar y) => x.Value == y.Value,
        (ConfigSequence x, ConfigSequence y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => Same(p.First, p.Second)),
        (ConfigMapping x, ConfigMapping y) => x.Entries.Count == y.Entries.Count && x.Entries.All(e => Same(e.Value, y[e.Key.Value])),
        _ => false,
    };

    private static Dictionary<string, int> IndexByName(IEnumerable<string> names) =>
        names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
}

/// <summary>How a function of the new topology differs from the running one of its name.</summary>
public enum FunctionChange
{
    /// <summary>Same kind, settings and ports: it keeps running as it is.</summary>
    None,

    /// <summary>Same kind and ports, other settings.</summary>
    Settings,

    /// <summary>Its ports or which of them are linked differ (its settings may too).</summary>
    Ports,

    /// <summary>No function of that name and kind runs.</summary>
    Added,
}

/// <summary>Whether a change adds, removes or changes.</summary>
public enum ChangeKind
{
    /// <summary>New in the file.</summary>
    Added,

    /// <summary>Gone from the file.</summary>
    Removed,

    /// <summary>In both, written differently.</summary>
    Changed,
}

/// <summary>One difference between the running topology and the file, as <c>nfv apply</c> prints it.</summary>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="Element"><c>function</c>, <c>port</c>, <c>link</c>, <c>host</c> or <c>tests</c>.</param>
/// <param name="Name">The element's name (a link's is <c>a &lt;-&gt; b</c>).</param>
/// <param name="Detail">What it is or what changes in it.</param>
public sealed record TopologyChange(ChangeKind Kind, string Element, string Name, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Kind switch { ChangeKind.Added => '+', ChangeKind.Removed => '-', _ => '~' })} {Element}{(Name.Length > 0 ? " " + Name : "")}{(Detail.Length > 0 ? ": " + Detail : "")}";
}

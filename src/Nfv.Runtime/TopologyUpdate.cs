using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Runtime;

/// <summary>What becomes of a function of the new topology when <c>nfv apply</c> replaces the graph.</summary>
public enum FunctionFate
{
    /// <summary>The running instance goes on as it is: its tables stay.</summary>
    Kept,

    /// <summary>The running instance takes the new settings (<see cref="IReconfigurableFunction"/>), keeping the state that fits.</summary>
    Reconfigured,

    /// <summary>A new instance replaces the running one: its state starts afresh (a DHCP server reads its lease file again).</summary>
    Rebuilt,

    /// <summary>A function that did not run.</summary>
    New,
}

/// <summary>
/// How <c>nfv apply</c> turns a running graph into the one of a new topology: for each function, whether its instance is
/// kept, reconfigured in place or rebuilt (<see cref="Plan"/>), and the new graph itself, built on the worker thread
/// between two batches (<see cref="Replace"/>) so no packet sees half of each.
/// </summary>
/// <remarks>
/// A router holds the features it names (a NAT) from the moment it is built, and a feature attaches to one router once:
/// a function is rebuilt when a feature it names is, and a feature when a function naming it is.
/// </remarks>
public sealed class TopologyUpdate
{
    private readonly FunctionFate[] _fates;
    private readonly IReadOnlyList<INetworkFunction>?[] _reused;
    private readonly List<INetworkFunction> _reconfigured = [];
    private PacketGraph? _replacement;

    private TopologyUpdate(TopologyDiff diff, FunctionFate[] fates, IReadOnlyList<INetworkFunction>?[] reused)
    {
        Diff = diff;
        _fates = fates;
        _reused = reused;
    }

    /// <summary>The differences this update makes.</summary>
    public TopologyDiff Diff { get; }

    /// <summary>What becomes of <see cref="TopologyDiff.Next"/>'s function <paramref name="next"/>.</summary>
    public FunctionFate FateOf(int next) => _fates[next];

    /// <summary>
    /// Decides each function's fate from <paramref name="diff"/> and the instances the graph of
    /// <see cref="TopologyDiff.Running"/> runs (<paramref name="graph"/>: one a function, or one per worker).
    /// </summary>
    public static TopologyUpdate Plan(TopologyDiff diff, PacketGraph graph)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(graph);
        var running = graph.Functions.Select(f => f.Instances.Select(i => i.Function).ToList()).ToList();
        var next = diff.Next.Functions;
        var fates = new FunctionFate[next.Count];
        for (int i = 0; i < next.Count; i++)
        {
            fates[i] = diff.FunctionChangeOf(i) switch
            {
                FunctionChange.None => FunctionFate.Kept,
                FunctionChange.Settings when running[diff.FunctionBefore(i)].All(f => f is IReconfigurableFunction r && r.CanReconfigure(next[i].Config)) => FunctionFate.Reconfigured,
                FunctionChange.Added => FunctionFate.New,
                _ => FunctionFate.Rebuilt,
            };
        }
        var index = ByName(next);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < next.Count; i++)
            {
                foreach (var reference in next[i].Blueprint.FeatureReferences)
                {
                    if (!index.TryGetValue(reference.Name, out int feature))
                    {
                        continue;
                    }
                    changed |= Rebuild(fates, i, when: IsFresh(fates[feature]));
                    changed |= Rebuild(fates, feature, when: IsFresh(fates[i]));
                }
            }
        }
        var reused = new IReadOnlyList<INetworkFunction>?[next.Count];
        for (int i = 0; i < next.Count; i++)
        {
            reused[i] = IsFresh(fates[i]) ? null : running[diff.FunctionBefore(i)];
        }
        return new TopologyUpdate(diff, fates, reused);

        static bool Rebuild(FunctionFate[] fates, int i, bool when)
        {
            if (!when || IsFresh(fates[i]))
            {
                return false;
            }
            fates[i] = FunctionFate.Rebuilt;
            return true;
        }
    }

    private static Dictionary<string, int> ByName(IReadOnlyList<ResolvedFunction> functions) =>
        functions.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);

    private static bool IsFresh(FunctionFate fate) => fate is FunctionFate.Rebuilt or FunctionFate.New;

    /// <summary>The plan as <c>nfv apply</c> prints it: each change, a function's with what becomes of its instance.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        var next = Diff.Next.Functions;
        var index = ByName(next);
        foreach (var change in Diff.Changes)
        {
            bool function = change.Element == "function" && change.Kind != ChangeKind.Removed;
            lines.Add(function ? $"{change} ({Explain(_fates[index[change.Name]])})" : change.ToString());
        }
        // Unchanged in the file, rebuilt all the same: a router whose NAT is rebuilt, or the other way round.
        for (int i = 0; i < next.Count; i++)
        {
            if (Diff.FunctionChangeOf(i) == FunctionChange.None && _fates[i] == FunctionFate.Rebuilt)
            {
                lines.Add($"~ function {next[i].Name}: {next[i].Kind}, unchanged ({Explain(FunctionFate.Rebuilt)}: it shares features with a function that is)");
            }
        }
        return lines;
    }

    private static string Explain(FunctionFate fate) => fate switch
    {
        FunctionFate.Reconfigured => "changed in place, its state kept where it fits",
        FunctionFate.Rebuilt => "rebuilt, its state starts afresh",
        FunctionFate.New => "new",
        _ => "kept",
    };

    /// <summary>
    /// On the worker thread, between two batches: gives each reconfigured function its new settings, then builds the new
    /// graph over <paramref name="ports"/> (the new topology's, in its order) with the kept and reconfigured instances in
    /// it, taking over <paramref name="previous"/>'s counters. If a function refuses its settings or one cannot be built,
    /// the functions reconfigured so far get their old settings back and nothing changes
    /// (<see cref="TopologyUpdateException"/>). Afterwards, <see cref="Discard"/> the instances the new graph no longer runs.
    /// </summary>
    public PacketGraph Replace(PacketGraph previous, IReadOnlyList<IFramePort> ports, GraphOptions options, TimeProvider time,
        ILoggerFactory loggers, LinkCaptures? captures, string? stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var next = Diff.Next.Functions;
        try
        {
            for (int i = 0; i < next.Count; i++)
            {
                if (_fates[i] != FunctionFate.Reconfigured)
                {
                    continue;
                }
                foreach (var instance in _reused[i]!)
                {
                    var diagnostics = new DiagnosticBag();
                    if (!((IReconfigurableFunction)instance).Reconfigure(next[i].Config, diagnostics))
                    {
                        throw new TopologyUpdateException(
                            $"function '{next[i].Name}' refused its new settings: {string.Join("; ", diagnostics.Items.Select(d => d.ToString()))}");
                    }
                    _reconfigured.Add(instance);
                }
            }
            var graph = TopologyCompiler.Compile(Diff.Next, ports, [.. previous.Lanes.Select(l => l.Pool)], options, time, loggers, captures, stateDirectory, i => _reused[i]);
            graph.CarryOver(previous);
            return _replacement = graph;
        }
        catch (Exception ex) when (ex is FunctionStartException or InvalidOperationException or ArgumentException or TopologyUpdateException)
        {
            Undo();
            throw ex as TopologyUpdateException ?? new TopologyUpdateException(ex.Message, ex);
        }
    }

    // Back to the settings the running topology gave them (which they accepted before).
    private void Undo()
    {
        var before = Diff.Running.Functions;
        for (int i = 0; i < Diff.Next.Functions.Count; i++)
        {
            foreach (var instance in _reused[i] ?? [])
            {
                if (instance is IReconfigurableFunction function && _reconfigured.Contains(instance))
                {
                    function.Reconfigure(before[Diff.FunctionBefore(i)].Config, new DiagnosticBag());
                }
            }
        }
        _reconfigured.Clear();
    }

    /// <summary>
    /// On the worker thread, after the new graph replaced <paramref name="previous"/>: disposes each instance of it the new
    /// graph does not run (a removed or rebuilt function), so a DHCP server closes its lease file and a function holding
    /// packets gives them back to the pool.
    /// </summary>
    public void Discard(PacketGraph previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var kept = new HashSet<object>(_replacement?.Functions.SelectMany(n => n.Instances).Select(i => i.Function) ?? [], ReferenceEqualityComparer.Instance);
        foreach (var instance in previous.Functions.SelectMany(n => n.Instances))
        {
            if (!kept.Contains(instance.Function))
            {
                (instance.Function as IDisposable)?.Dispose();
            }
        }
    }
}

/// <summary><c>nfv apply</c> could not change the running lab; nothing was changed.</summary>
public sealed class TopologyUpdateException(string message, Exception? inner = null) : Exception(message, inner);

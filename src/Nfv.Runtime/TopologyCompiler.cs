using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Runtime;

/// <summary>Compiles a resolved topology and its external ports into a runnable <see cref="PacketGraph"/>.</summary>
public static class TopologyCompiler
{
    /// <summary>Builds every function and wires it to <paramref name="ports"/> (one per topology port, by index).</summary>
    /// <param name="topology">A topology the loader accepted.</param>
    /// <param name="ports">The external ports, in the topology's port order.</param>
    /// <param name="pool">The packets the graph runs on, all free (the graph returns every packet it takes).</param>
    /// <param name="options">The graph's limits; null for the defaults.</param>
    /// <param name="time">The clock every function is built with.</param>
    /// <param name="loggers">Logging.</param>
    /// <param name="captures">The links' captures (<c>capture:</c>); null to capture nothing.</param>
    /// <param name="stateDirectory">Where functions keep state across restarts (DHCP leases); null keeps it in memory.</param>
    /// <exception cref="FunctionStartException">A function could not start (its state file is unreadable, say).</exception>
    /// <exception cref="InvalidOperationException">A feature's running function is not the contract its blueprint declared.</exception>
    public static PacketGraph Compile(ResolvedTopology topology, IReadOnlyList<IFramePort> ports, PacketPool pool, GraphOptions? options,
        TimeProvider time, ILoggerFactory loggers, LinkCaptures? captures = null, string? stateDirectory = null) =>
        Compile(topology, ports, [pool], options, time, loggers, captures, stateDirectory);

    /// <summary>
    /// Builds every function and wires it to <paramref name="ports"/> (one per topology port, by index), for a worker per
    /// pool (<see cref="GraphBuilder.Build(IReadOnlyList{PacketPool}, GraphOptions, IReadOnlyList{int}?, IReadOnlyList{int}?)"/>
    /// places the functions and ports on them).
    /// </summary>
    /// <param name="topology">A topology the loader accepted.</param>
    /// <param name="ports">The external ports, in the topology's port order.</param>
    /// <param name="pools">Each worker's packets, all free (the graph returns every packet it takes).</param>
    /// <param name="options">The graph's limits; null for the defaults.</param>
    /// <param name="time">The clock every function is built with.</param>
    /// <param name="loggers">Logging.</param>
    /// <param name="captures">The links' captures (<c>capture:</c>); null to capture nothing.</param>
    /// <param name="stateDirectory">Where functions keep state across restarts (DHCP leases); null keeps it in memory.</param>
    /// <param name="reuse">
    /// For function index <c>i</c>, the instances already running to put in the graph instead of building them (<c>nfv
    /// apply</c>: <see cref="TopologyUpdate"/>); null, or a null answer, builds them. Instances are built anew all the same,
    /// and the log says so, when this graph runs the function as another number of instances (a switch run per worker
    /// that is now linked to a NAT's router runs once).
    /// </param>
    /// <exception cref="FunctionStartException">A function could not start (its state file is unreadable, say).</exception>
    /// <exception cref="InvalidOperationException">A feature's running function is not the contract its blueprint declared.</exception>
    public static PacketGraph Compile(ResolvedTopology topology, IReadOnlyList<IFramePort> ports, IReadOnlyList<PacketPool> pools, GraphOptions? options,
        TimeProvider time, ILoggerFactory loggers, LinkCaptures? captures = null, string? stateDirectory = null,
        Func<int, IReadOnlyList<INetworkFunction>?>? reuse = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(pools);
        // Features first: the functions that name them get them at build time. Every function, features included,
        // becomes a graph node in topology order (a feature has no ports; the graph runs its timer and the host inspects
        // it like any function's).
        var running = new IReadOnlyList<INetworkFunction>[topology.Functions.Count];
        var instances = InstanceCounts(topology, ports, pools.Count, loggers);
        var features = new Dictionary<string, IReadOnlyList<INetworkFunction>>(StringComparer.Ordinal);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < topology.Functions.Count; i++)
            {
                var function = topology.Functions[i];
                if ((function.Blueprint is FeatureBlueprint) != (pass == 0))
                {
                    continue;
                }
                var shared = new Dictionary<Type, object>();
                running[i] = Reused(function.Name, reuse?.Invoke(i), instances[i]) ??
                    [.. Enumerable.Range(0, instances[i]).Select(instance => function.Blueprint.Build(
                        new FunctionBuildContext(function.Name, topology.GetConnectedPorts(i), time, loggers,
                            features.ToDictionary(f => f.Key, f => f.Value[Math.Min(instance, f.Value.Count - 1)]))
                        {
                            StateDirectory = stateDirectory,
                            Instance = instance,
                            InstanceCount = instances[i],
                            SharedByInstances = shared,
                        }))];
                if (function.Blueprint is FeatureBlueprint feature)
                {
                    if (!feature.Contract.IsInstanceOfType(running[i][0]))
                    {
                        throw new InvalidOperationException(
                            $"Function '{function.Name}' (kind {function.Kind}) declares it is a {FeatureReference.Describe(feature.Contract)}, but {running[i][0].GetType().FullName} does not implement {feature.Contract.FullName}.");
                    }
                    features.Add(function.Name, running[i]);
                }
            }
        }
        var builder = new GraphBuilder();
        for (int i = 0; i < topology.Functions.Count; i++)
        {
            var blueprint = topology.Functions[i].Blueprint;
            builder.AddFunction(topology.Functions[i].Name, running[i], blueprint.Ports.Count, blueprint.DropReasons, blueprint.Ports);
        }
        foreach (var port in ports)
        {
            builder.AddPort(port);
        }
        foreach (var link in topology.Links)
        {
            builder.Link(ToGraph(link.A), ToGraph(link.B), captures?.For(link));
        }
        return builder.Build(pools, options ?? new GraphOptions());

        IReadOnlyList<INetworkFunction>? Reused(string name, IReadOnlyList<INetworkFunction>? instances, int count)
        {
            if (instances is null || instances.Count == count)
            {
                return instances;
            }
            loggers.CreateLogger(typeof(TopologyCompiler)).LogInformation(
                "Function '{Function}' is built anew, its state starting afresh: it ran as {Before} instance(s) and now runs as {After}.", name, instances.Count, count);
            return null;
        }
    }

    // How many instances each function runs: one per worker for a function whose blueprint allows it when every link of
    // it leads to a port with a queue per worker or to a function that runs an instance per worker too, and every feature
    // it names runs so too, else one. An instance learns only from what its worker reads, and it is the kernel's steering
    // of a flow back to the queue it was answered on that keeps the flow with one instance; between two functions run per
    // worker a frame stays on its worker, from one's instance to the other's. A link to a function run once has no such
    // steering (what it sends reaches the instance of its own worker only, so the others would never learn its address):
    // the function then runs as one instance, and the log says why, unless its instances share what they learn (a
    // switch beside a DHCP server). A feature runs per worker when it allows it and every function naming it runs so
    // (each instance of those gets its own instance of the feature).
    private static int[] InstanceCounts(ResolvedTopology topology, IReadOnlyList<IFramePort> ports, int workers, ILoggerFactory loggers)
    {
        var functions = topology.Functions;
        int count = functions.Count;
        var index = Enumerable.Range(0, count).ToDictionary(i => functions[i].Name, StringComparer.Ordinal);
        // Who names each feature, and what each function names, by index.
        var named = Enumerable.Range(0, count)
            .Select(i => functions[i].Blueprint.FeatureReferences.Select(r => index[r.Name]).Distinct().ToArray()).ToArray();
        var namers = Enumerable.Range(0, count).Select(f => Enumerable.Range(0, count).Where(i => named[i].Contains(f)).ToArray()).ToArray();
        var why = new string?[count]; // null: one per worker; empty: one, nothing to say (not asked); else why one
        for (int i = 0; i < count; i++)
        {
            var blueprint = functions[i].Blueprint;
            why[i] = workers <= 1 || !blueprint.CanRunAsInstancePerWorker ? ""
                : blueprint is FeatureBlueprint ? (namers[i].Length == 0 ? "" : null)
                : Peers(i).Where(p => p.Kind == EndpointKind.ExternalPort && ports[p.Index].Queues.Count != workers)
                    .Select(p => $"port '{ports[p.Index].Name}' has no TAP queue per worker (Nfv:MultiQueueTaps)").FirstOrDefault();
        }
        // A function linked to one that runs once runs once, and so on, until nothing changes; so do a function naming a
        // feature that runs once and a feature named by a function that runs once.
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int i = 0; i < count; i++)
            {
                if (why[i] is not null)
                {
                    continue;
                }
                if (!functions[i].Blueprint.InstancesShareWhatTheyLearn
                    && Peers(i).FirstOrDefault(p => p.Kind == EndpointKind.Function && why[p.Index] is not null) is { } once)
                {
                    why[i] = $"it is linked to function '{functions[once.Index].Name}', which runs one instance";
                }
                else if (named[i].FirstOrDefault(f => why[f] is not null, -1) is >= 0 and var feature)
                {
                    why[i] = $"it names feature '{functions[feature].Name}', which runs one instance";
                }
                else if (namers[i].FirstOrDefault(n => why[n] is not null, -1) is >= 0 and var namer)
                {
                    why[i] = $"it is a feature of function '{functions[namer].Name}', which runs one instance";
                }
                changed |= why[i] is not null;
            }
        }
        var logger = loggers.CreateLogger(typeof(TopologyCompiler));
        for (int i = 0; i < count; i++)
        {
            if (why[i] is { Length: > 0 } reason)
            {
                logger.LogInformation("Function '{Function}' runs as one instance, not one per worker: {Reason}.", functions[i].Name, reason);
            }
        }
        return [.. why.Select(reason => reason is null ? workers : 1)];

        IEnumerable<LinkEndpoint> Peers(int function) =>
            topology.Links.Select(l => IsOf(l.A, function) ? l.B : IsOf(l.B, function) ? l.A : null).OfType<LinkEndpoint>();

        static bool IsOf(LinkEndpoint end, int function) => end.Kind == EndpointKind.Function && end.Index == function;
    }

    /// <summary>The graph endpoint of a link end: the same indices, compiled.</summary>
    public static GraphEndpoint ToGraph(LinkEndpoint endpoint) => endpoint.Kind == EndpointKind.Function
        ? GraphEndpoint.Function(endpoint.Index, endpoint.Port)
        : GraphEndpoint.External(endpoint.Index);
}

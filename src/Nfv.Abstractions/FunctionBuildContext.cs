using Microsoft.Extensions.Logging;

namespace Nfv.Abstractions;

/// <summary>What a blueprint gets to build its running function.</summary>
public sealed class FunctionBuildContext
{
    private readonly IReadOnlyDictionary<string, INetworkFunction> _features;

    /// <summary>Creates a context.</summary>
    public FunctionBuildContext(string name, IReadOnlyList<bool> connectedPorts, TimeProvider time, ILoggerFactory loggers,
        IReadOnlyDictionary<string, INetworkFunction>? features = null)
    {
        _features = features ?? new Dictionary<string, INetworkFunction>();
        Name = name;
        ConnectedPorts = connectedPorts;
        Time = time;
        Loggers = loggers;
    }

    /// <summary>The function's name in the topology.</summary>
    public string Name { get; }

    /// <summary>For each port (by index), whether a link is attached to it.</summary>
    public IReadOnlyList<bool> ConnectedPorts { get; }

    /// <summary>The clock: ageing, leases and timeouts read it, never <see cref="DateTime.Now"/>.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// The running feature <paramref name="name"/> that this function's configuration names
    /// (<see cref="FunctionBlueprint.FeatureReferences"/>), built before this function, as the contract
    /// <typeparamref name="T"/> its reference asked for.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The function did not name it, or it is not a <typeparamref name="T"/>: the reference and the build disagree (a bug
    /// in the function, since the loader checked every reference against the feature's contract).
    /// </exception>
    public T Feature<T>(string name) where T : class =>
        _features.TryGetValue(name, out var feature) && feature is T typed
            ? typed
            : throw new InvalidOperationException(
                $"Function '{Name}' asked for the feature '{name}' as a {FeatureReference.Describe(typeof(T))}, but none of that name was built for it.");

    /// <summary>Logging.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>
    /// Which of the function's instances this build makes, from 0 to <see cref="InstanceCount"/> - 1: the worker that will
    /// run it when it runs as an instance per worker (<see cref="FunctionBlueprint.CanRunAsInstancePerWorker"/>), else 0.
    /// </summary>
    public int Instance { get; init; }

    /// <summary>How many instances of the function run: one per worker, or 1.</summary>
    public int InstanceCount { get; init; } = 1;

    /// <summary>
    /// The object of type <typeparamref name="T"/> the instances of this function share, made by <paramref name="create"/>
    /// for the first instance that asks and handed to the others: what instances run per worker share (a router's
    /// neighbours learned by ARP). Thread safety is the object's own; the packet path should not need it.
    /// </summary>
    public T Shared<T>(Func<T> create) where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (!SharedByInstances.TryGetValue(typeof(T), out var shared))
        {
            SharedByInstances[typeof(T)] = shared = create();
        }
        return (T)shared;
    }

    /// <summary>
    /// Where <see cref="Shared{T}"/> keeps its objects: one store for all the contexts that build the instances of one
    /// function, given by the host; a new one (nothing shared) by default.
    /// </summary>
    public IDictionary<Type, object> SharedByInstances { get; init; } = new Dictionary<Type, object>();

    /// <summary>
    /// Where the function keeps what must survive a restart (DHCP leases), one directory per topology; null when
    /// nothing may be written (offline replay, tests), and the function then keeps its state in memory.
    /// </summary>
    public string? StateDirectory { get; init; }
}

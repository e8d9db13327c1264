using Microsoft.Extensions.Logging;
using Nfv.Abstractions.Ip;

namespace Nfv.Abstractions;

/// <summary>What a blueprint gets to build its running function.</summary>
public sealed class FunctionBuildContext
{
    /// <summary>Creates a context.</summary>
    public FunctionBuildContext(string name, IReadOnlyList<bool> connectedPorts, TimeProvider time, ILoggerFactory loggers,
        IReadOnlyDictionary<string, IIpv4Feature>? features = null)
    {
        Features = features ?? new Dictionary<string, IIpv4Feature>();
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
    /// The running L3 features of the topology by name, built before the functions that name them
    /// (<see cref="FunctionBlueprint.FeatureReferences"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IIpv4Feature> Features { get; }

    /// <summary>Logging.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>
    /// Where the function keeps what must survive a restart (DHCP leases), one directory per topology; null when
    /// nothing may be written (offline replay, tests), and the function then keeps its state in memory.
    /// </summary>
    public string? StateDirectory { get; init; }
}

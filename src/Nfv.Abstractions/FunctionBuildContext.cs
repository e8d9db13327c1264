using Microsoft.Extensions.Logging;

namespace Nfv.Abstractions;

/// <summary>What a blueprint gets to build its running function.</summary>
public sealed class FunctionBuildContext
{
    /// <summary>Creates a context.</summary>
    public FunctionBuildContext(string name, IReadOnlyList<bool> connectedPorts, TimeProvider time, ILoggerFactory loggers)
    {
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

    /// <summary>Logging.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>
    /// Where the function keeps what must survive a restart (DHCP leases), one directory per topology; null when
    /// nothing may be written (offline replay, tests), and the function then keeps its state in memory.
    /// </summary>
    public string? StateDirectory { get; init; }
}

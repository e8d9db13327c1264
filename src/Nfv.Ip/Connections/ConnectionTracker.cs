namespace Nfv.Ip.Connections;

/// <summary>
/// A router's connection tracking, shared by the IPv4 features it runs (a firewall and a NAT): one
/// <see cref="ConnectionTable"/>, and the connection of the packet the router is handling now. The feature that finds or
/// makes a packet's connection says so (<see cref="Set"/>); those after it, on the way in or out, read it
/// (<see cref="Current"/>) instead of looking the packet up again, as netfilter's hooks read the conntrack entry a
/// packet carries.
/// </summary>
/// <remarks>The router's worker thread only, like the features that share it.</remarks>
public sealed class ConnectionTracker
{
    /// <summary>Tracking for up to <paramref name="capacity"/> connections.</summary>
    public ConnectionTracker(int capacity) => Table = new ConnectionTable(capacity);

    /// <summary>The connections.</summary>
    public ConnectionTable Table { get; }

    /// <summary>The connection of the packet being handled, or -1 when no feature has named one yet.</summary>
    public int Current { get; private set; } = -1;

    /// <summary>True when the packet being handled goes its connection's reply direction.</summary>
    public bool CurrentIsReply { get; private set; }

    /// <summary>The router starts a packet: no connection is known yet.</summary>
    public void Begin() => Current = -1;

    /// <summary>A feature found or made the packet's connection.</summary>
    public void Set(int connection, bool reply)
    {
        Current = connection;
        CurrentIsReply = reply;
    }
}

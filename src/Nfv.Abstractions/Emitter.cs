using System.Runtime.CompilerServices;

namespace Nfv.Abstractions;

/// <summary>
/// Where a function sends what it processed. Every packet a function receives (or clones) ends
/// in exactly one <see cref="To"/> or <see cref="Drop"/>, during the call that gave it, or later after <see cref="Hold"/>.
/// </summary>
/// <remarks>
/// The dataplane implements this over the compiled graph; tests implement it in memory.
/// <para>
/// A function states its decisions about a packet with <see cref="Trace(Packet, ref TraceMessageHandler)"/>:
/// <c>emit.Trace(packet, $"learned {mac} in VLAN {vlan} on {port}")</c>. When the packet is not traced (nearly
/// always) that costs one branch: the message's values are not even evaluated. When it is (<c>nfv trace</c>), the
/// text joins the packet's path record next to the ports and drop reasons the graph records itself.
/// </para>
/// </remarks>
public abstract class Emitter
{
    /// <summary>Sends <paramref name="packet"/> out of the current function's port <paramref name="port"/>.</summary>
    public abstract void To(int port, Packet packet);

    /// <summary>Drops <paramref name="packet"/>, counting it under the function's drop reason <paramref name="reason"/>.</summary>
    public abstract void Drop(Packet packet, int reason);

    /// <summary>A copy of <paramref name="packet"/> (frame and metadata) from the pool, or null when the pool is empty.</summary>
    public abstract Packet? Clone(Packet packet);

    /// <summary>A fresh packet from the pool for a frame the function originates, or null when the pool is empty.</summary>
    public abstract Packet? Allocate();

    /// <summary>
    /// Keeps <paramref name="packet"/> to send later: the function still owns it and ends it in one <see cref="To"/> or
    /// <see cref="Drop"/>, from a later call (its <see cref="INetworkFunction.OnTimer"/>). For a function that queues
    /// (a shaper); packets come from a bounded pool, so a function holds a bounded number and drops beyond it.
    /// </summary>
    public virtual void Hold(Packet packet)
    {
    }

    /// <summary>
    /// Hands <paramref name="packet"/> to the current function's instance number <paramref name="instance"/>, for a function
    /// run as an instance per worker (<see cref="FunctionBlueprint.CanRunAsInstancePerWorker"/>) whose instances each own
    /// some flows (a NAT's sessions, by port): that instance's worker processes it from the start, as if it had read it
    /// there, on the same <see cref="Packet.InputPort"/>. So hand a packet over before changing it. Counts as one of the
    /// packet's hops (the loop guard). Which instance this one is, and how many there are, the function was told when built
    /// (<see cref="FunctionBuildContext.Instance"/>). The default refuses: a function run once has no other instance.
    /// </summary>
    /// <exception cref="InvalidOperationException">The emitter runs the function as one instance.</exception>
    public virtual void ToInstance(int instance, Packet packet) =>
        throw new InvalidOperationException($"No instance {instance} to hand a packet to: the function runs as one instance.");

    /// <summary>
    /// Asks for the current function's <see cref="INetworkFunction.OnTimer"/> at <paramref name="timestamp"/> (a
    /// <see cref="TimeProvider.GetTimestamp"/> of the clock the function was built with) rather than at the next
    /// regular tick: for a function that holds packets and releases them on time (a shaper, a delay line). nfv calls it
    /// at the first chance at or after that time, within tens of microseconds (epoll_pwait2; to the millisecond where the
    /// kernel lacks it), once; several requests keep the earliest. The default
    /// ignores it (a test's emitter may record it).
    /// </summary>
    public virtual void WakeAt(long timestamp)
    {
    }

    /// <summary>
    /// States a decision about <paramref name="packet"/> for <c>nfv trace</c> ("learned ...", "route 10.0.0.0/8 via
    /// 10.1.1.1", "offered 10.0.0.100"). One branch when the packet is not traced; the interpolated values are
    /// evaluated and formatted only when it is.
    /// </summary>
    public void Trace(Packet packet, [InterpolatedStringHandlerArgument(nameof(packet))] ref TraceMessageHandler decision)
    {
        if (decision.IsEnabled)
        {
            OnTrace(packet, decision.ToStringAndClear());
        }
    }

    /// <summary>States a decision about <paramref name="packet"/> for <c>nfv trace</c>; one branch when it is not traced.</summary>
    public void Trace(Packet packet, string decision)
    {
        if (packet.TraceId != 0)
        {
            OnTrace(packet, decision);
        }
    }

    /// <summary>Records a decision about a traced packet. The dataplane adds it to the packet's trace; the default ignores it.</summary>
    protected virtual void OnTrace(Packet packet, string decision)
    {
    }

    /// <summary>Drops <paramref name="packet"/> for a reason from the function's drop enum.</summary>
    public void Drop<TReason>(Packet packet, TReason reason) where TReason : unmanaged, Enum
    {
        if (Unsafe.SizeOf<TReason>() != sizeof(int))
        {
            throw new NotSupportedException("Drop reason enums must be int-sized.");
        }
        Drop(packet, Unsafe.As<TReason, int>(ref reason));
    }
}

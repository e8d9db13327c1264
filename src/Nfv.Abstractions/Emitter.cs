using System.Runtime.CompilerServices;

namespace Nfv.Abstractions;

/// <summary>
/// Where a function sends what it processed. Every packet a function receives (or clones) ends
/// in exactly one <see cref="To"/> or <see cref="Drop"/>.
/// </summary>
/// <remarks>
/// The dataplane implements this over the compiled graph; tests implement it in memory.
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

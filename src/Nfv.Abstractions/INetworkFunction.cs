namespace Nfv.Abstractions;

/// <summary>
/// One running network function. It sees batches of packets and an <see cref="Emitter"/>, never I/O,
/// so it runs the same in the dataplane and in a unit test.
/// </summary>
/// <remarks>
/// Inside <see cref="Process"/>: no allocation, no LINQ, no async, no locks. Each packet's
/// <see cref="Packet.InputPort"/> says which of the function's ports it arrived on.
/// </remarks>
public interface INetworkFunction
{
    /// <summary>Handles every packet in <paramref name="batch"/>; each ends in one emit or drop.</summary>
    void Process(PacketBatch batch, Emitter emit);

    /// <summary>Called about every 100 ms by the worker that runs the function: ageing, retries, timers.</summary>
    void OnTimer(Emitter emit)
    {
    }
}

namespace Nfv.Abstractions;

/// <summary>
/// One running network function. It sees batches of packets and an <see cref="Emitter"/>, never I/O,
/// so it runs the same in the dataplane and in a unit test.
/// </summary>
/// <remarks>
/// <para>
/// Inside <see cref="Process"/>: no allocation, no LINQ, no async, no locks. Each packet's
/// <see cref="Packet.InputPort"/> says which of the function's ports it arrived on.
/// </para>
/// <para>
/// Threading, the guarantee every function is written against: one instance is run by one worker thread, always the
/// same, and <see cref="Process"/>, <see cref="OnTimer"/> and the row readers of its tables
/// (<see cref="Inspection.FunctionTable.Rows"/>) are never called concurrently, so a function keeps its tables in plain
/// fields without locks. Other threads (a metrics scrape) only read what is documented as readable from any thread: event
/// counters (<see cref="Inspection.EventCounters{TEvent}"/>) and table counts. When nfv runs several workers (multi-queue
/// TAPs), a packet for an instance that another worker owns is handed to that worker, so this guarantee holds unchanged;
/// a function that can run as several independent instances says so
/// (<see cref="FunctionBlueprint.CanRunAsInstancePerWorker"/>), and each of them keeps this guarantee
/// (docs/architecture.md, "Threading").
/// </para>
/// </remarks>
public interface INetworkFunction
{
    /// <summary>Handles every packet in <paramref name="batch"/>; each ends in one emit or drop.</summary>
    void Process(PacketBatch batch, Emitter emit);

    /// <summary>
    /// Called about every 100 ms by the worker that runs the function (ageing, retries, timers), between batches; never
    /// at the same time as <see cref="Process"/>; and once more at a time the function asked for with
    /// <see cref="Emitter.WakeAt"/>. Read the time from the clock the function was built with
    /// (<see cref="FunctionBuildContext.Time"/>), not from the call's regularity.
    /// </summary>
    void OnTimer(Emitter emit)
    {
    }
}

using System.Buffers.Binary;
using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;

namespace NfvFunction1;

/// <summary>
/// The running function. nfv calls <see cref="Process"/> from one worker thread only, so its state is plain fields:
/// no locks, no allocation, no LINQ on the packet path.
/// </summary>
internal sealed class Wire1Function : INetworkFunction, IInspectableFunction
{
    private readonly ushort[] _blocked;
    private readonly long[] _blockedFrames; // per entry of _blocked, for the table
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    public Wire1Function(IReadOnlyList<ushort> blocked)
    {
        _blocked = [.. blocked];
        _blockedFrames = new long[_blocked.Length];
    }

    /// <summary>What the function counts; readable from any thread (a metrics scrape).</summary>
    public EventCounters<Wire1Event> Counters { get; } = new();

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            var frame = packet.Data;
            if (frame.Length < EthernetHeader.Size)
            {
                emit.Drop(packet, Wire1Drop.Runt);
                continue;
            }
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
            int blocked = Array.IndexOf(_blocked, type);
            if (blocked >= 0)
            {
                _blockedFrames[blocked]++;
                emit.Trace(packet, $"EtherType 0x{type:x4} is blocked");
                emit.Drop(packet, Wire1Drop.Blocked);
                continue;
            }
            // Port numbers are the blueprint's: 0 is a, 1 is b.
            int output = packet.InputPort == 0 ? 1 : 0;
            Counters.Increment(output == 1 ? Wire1Event.PassedAToB : Wire1Event.PassedBToA);
            emit.Trace(packet, $"EtherType 0x{type:x4} passed to {(output == 1 ? "b" : "a")}");
            emit.To(output, packet);
        }
    }

    /// <inheritdoc/>
    /// <remarks><c>nfv show functions</c> and <c>/api/functions</c> list this table: each blocked EtherType and its frames.</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("blocked", ["ethertype", "frames"], _blocked.Length, () => _blocked.Length, () => Enumerable.Range(0, _blocked.Length)
            .Select(i => (IReadOnlyList<string>)[$"0x{_blocked[i]:x4}", Volatile.Read(ref _blockedFrames[i]).ToString(CultureInfo.InvariantCulture)])),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();
}

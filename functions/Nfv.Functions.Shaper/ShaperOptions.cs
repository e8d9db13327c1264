namespace Nfv.Functions.Shaper;

/// <summary>A shaper's checked configuration (<c>kind: shaper</c>).</summary>
/// <param name="Direction">Which way is shaped.</param>
/// <param name="BitsPerSecond">The rate frames leave at, in bits per second on the wire.</param>
/// <param name="BurstBytes">What may leave at once after a quiet spell.</param>
/// <param name="QueuePackets">Packets held at most per direction; one more is dropped.</param>
public sealed record ShaperOptions(ShaperDirection Direction, long BitsPerSecond, long BurstBytes, int QueuePackets);

/// <summary>Which way a shaper shapes: frames from inside to outside, the other way, or both (a queue each way).</summary>
public enum ShaperDirection
{
    /// <summary>Both ways, each with its own queue and bucket.</summary>
    Both = 0,

    /// <summary>Frames from inside to outside only.</summary>
    Outbound = 1,

    /// <summary>Frames from outside to inside only.</summary>
    Inbound = 2,
}

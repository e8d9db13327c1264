namespace Nfv.Testing;

/// <summary>One frame of a pcap file.</summary>
/// <param name="Time">The record's timestamp (microsecond resolution).</param>
/// <param name="Frame">The captured bytes.</param>
public sealed record PcapRecord(DateTimeOffset Time, byte[] Frame)
{
    /// <inheritdoc/>
    public bool Equals(PcapRecord? other) => other is not null && Time == other.Time && Frame.AsSpan().SequenceEqual(other.Frame);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Time, Frame.Length);

    /// <inheritdoc/>
    public override string ToString() => $"{Time:HH:mm:ss.ffffff} {Convert.ToHexString(Frame)}";
}

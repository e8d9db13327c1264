namespace Nfv.Runtime.Replay;

/// <summary>
/// The clock of an offline replay: it stands still until the replay moves it to the next input
/// frame's pcap timestamp, so ageing and every other timer run on the capture's time and the same
/// input always gives the same output. Timestamps are <see cref="DateTimeOffset.UtcTicks"/>.
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;

    /// <inheritdoc/>
    public override long GetTimestamp() => _now.UtcTicks;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves the clock to <paramref name="time"/>; it never goes back.</summary>
    public void AdvanceTo(DateTimeOffset time)
    {
        if (time > _now)
        {
            _now = time;
        }
    }
}

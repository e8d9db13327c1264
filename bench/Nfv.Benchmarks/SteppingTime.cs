namespace Nfv.Benchmarks;

/// <summary>A clock that moves only when told: a function's timers release held packets exactly when a benchmark says.</summary>
internal sealed class SteppingTime : TimeProvider
{
    private long _now = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public void Advance(TimeSpan by) => _now += by.Ticks;
}

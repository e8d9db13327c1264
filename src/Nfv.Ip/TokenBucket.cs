namespace Nfv.Ip;

/// <summary>
/// A token bucket in bytes on a clock's timestamps (<see cref="TimeProvider.GetTimestamp"/>), as the policer and the
/// shaper meter traffic: it fills at the rate up to the burst, and a packet may be taken whenever the bucket holds any
/// tokens, so it may go into debt by one packet (a TSO super-frame larger than the burst still passes in its turn, and
/// the average rate holds). A mutable struct: keep it in an array or a field and call it in place.
/// </summary>
public struct TokenBucket
{
    private readonly long _depth;          // burst × timestamp frequency
    private readonly long _bytesPerSecond;
    private readonly long _fillTicks;      // the time the emptiest bucket takes to fill
    private readonly long _frequency;
    private long _tokens;                  // bytes × timestamp ticks
    private long _last;

    /// <summary>A full bucket filling at <paramref name="bitsPerSecond"/> up to <paramref name="burstBytes"/>, on a clock of <paramref name="frequency"/> ticks a second, now <paramref name="now"/>.</summary>
    public TokenBucket(long bitsPerSecond, long burstBytes, long frequency, long now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerSecond, 8);
        _frequency = frequency;
        _depth = burstBytes * frequency;
        _bytesPerSecond = bitsPerSecond / 8;
        _fillTicks = ((burstBytes + Nfv.Abstractions.Packet.MaxFrameLength) * frequency / _bytesPerSecond) + 1;
        _tokens = _depth; // full: a quiet link may send a burst
        _last = now;
    }

    /// <summary>Refills for the time since the last call, then takes <paramref name="bytes"/> if the bucket holds any tokens.</summary>
    public bool TryTake(int bytes, long now)
    {
        long elapsed = Math.Min(now - _last, _fillTicks); // bounded, so the product cannot overflow
        _last = now;
        _tokens = Math.Min(_depth, _tokens + (elapsed * _bytesPerSecond));
        if (_tokens <= 0)
        {
            return false;
        }
        _tokens -= bytes * _frequency;
        return true;
    }

    /// <summary>The timestamp ticks until the bucket, as the last <see cref="TryTake"/> left it, holds a token again.</summary>
    public readonly long TicksUntilTokens => _tokens > 0 ? 0 : (-_tokens / _bytesPerSecond) + 1;
}

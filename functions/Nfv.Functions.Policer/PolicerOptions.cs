using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Functions.Policer;

/// <summary>A policer's checked configuration (<c>kind: policer</c>).</summary>
public sealed record PolicerOptions
{
    /// <summary>Which way traffic is policed.</summary>
    public PolicerDirection Direction { get; init; } = PolicerDirection.Both;

    /// <summary>The classes in order: the first whose match a packet meets polices it; the last is the default class when one is set.</summary>
    public IReadOnlyList<PolicerClass> Classes { get; init; } = [];
}

/// <summary>Which way a policer polices: frames from inside to outside, the other way, or both (a bucket each way).</summary>
public enum PolicerDirection
{
    /// <summary>Both ways, each with its own bucket.</summary>
    Both = 0,

    /// <summary>Frames from inside to outside only.</summary>
    Outbound = 1,

    /// <summary>Frames from outside to inside only.</summary>
    Inbound = 2,
}

/// <summary>What becomes of a packet that exceeds its class's rate.</summary>
public enum PolicerExceed
{
    /// <summary>Dropped.</summary>
    Drop = 0,

    /// <summary>Passed with its DSCP set to <see cref="PolicerClass.RemarkDscp"/> (out of contract: first to go under congestion downstream).</summary>
    Remark = 1,
}

/// <summary>One class: what it matches, its token bucket, and what exceeding it means.</summary>
/// <param name="Name">The class's name (<c>default</c> for the top level's rate).</param>
/// <param name="Match">What a packet must match to be in the class.</param>
/// <param name="BitsPerSecond">The rate, in bits per second of Ethernet frames (header included, FCS not).</param>
/// <param name="BurstBytes">The bucket's depth in bytes: what may pass at once after a quiet spell.</param>
/// <param name="Exceed">Drop or re-mark.</param>
/// <param name="RemarkDscp">The DSCP an exceeding packet gets with <see cref="PolicerExceed.Remark"/>.</param>
/// <param name="Span">Where it is written.</param>
public sealed record PolicerClass(string Name, Ipv4Match Match, long BitsPerSecond, long BurstBytes, PolicerExceed Exceed, byte RemarkDscp, SourceSpan Span);

namespace Nfv.Functions.Impair;

/// <summary>How delays spread around their mean (<c>distribution:</c>).</summary>
public enum DelayDistribution
{
    /// <summary>Uniform in delay ± jitter.</summary>
    Uniform = 0,
    /// <summary>Normal: mean delay, standard deviation jitter.</summary>
    Normal = 1,
    /// <summary>Pareto (shape 3): mean delay, a heavy tail of late packets, jitter its scale.</summary>
    Pareto = 2,
}

/// <summary>
/// Which packets are lost: independently with <see cref="Probability"/> (random loss), or in bursts by a Gilbert-Elliott
/// chain (RFC 3611's and netem's <c>gemodel</c>): a good and a bad state, <see cref="ToBad"/> and <see cref="ToGood"/> the
/// chances of moving between them per packet, <see cref="GoodLoss"/> and <see cref="BadLoss"/> the loss in each; then
/// <see cref="Probability"/> is the long-run loss the chain gives.
/// </summary>
public sealed record LossModel(double Probability, double ToBad = 0, double ToGood = 0, double GoodLoss = 0, double BadLoss = 1)
{
    /// <summary>True for the two-state (burst) model.</summary>
    public bool IsBursty => ToBad > 0;
}

/// <summary>What happens to packets going one way. Every setting is off (zero) unless given.</summary>
public sealed record Impairment
{
    /// <summary>Time added to every packet (its mean with jitter).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The spread of the delay (<see cref="Distribution"/> says how).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>How the delay spreads.</summary>
    public DelayDistribution Distribution { get; init; }

    /// <summary>Which packets are lost; null for none.</summary>
    public LossModel? Loss { get; init; }

    /// <summary>The chance a packet is sent twice.</summary>
    public double Duplicate { get; init; }

    /// <summary>The chance a packet skips the delay and overtakes those held (needs a delay to reorder anything).</summary>
    public double Reorder { get; init; }

    /// <summary>The chance one bit of a packet (after its Ethernet header) is flipped.</summary>
    public double Corrupt { get; init; }

    /// <summary>The wire's rate in bits per second (0: unlimited): packets leave one after another at it, as netem's rate.</summary>
    public long RateBitsPerSecond { get; init; }

    /// <summary>Settings that change nothing: the direction passes packets straight through.</summary>
    public static Impairment None { get; } = new();

    /// <summary>True when nothing is changed: the direction passes packets straight through.</summary>
    public bool IsNone => Equals(None);
}

/// <summary>The impairment of a wire: each direction's, the packets it may hold in flight each way, and the random seed.</summary>
/// <param name="Outbound">From inside to outside (a link's first end to its second).</param>
/// <param name="Inbound">From outside to inside.</param>
/// <param name="QueuePackets">Packets held at most each way (in flight on the delay line, or waiting for the rate).</param>
/// <param name="Seed">The random generator's seed, for a run that repeats itself; null for a random one.</param>
public sealed record ImpairOptions(Impairment Outbound, Impairment Inbound, int QueuePackets, int? Seed = null);

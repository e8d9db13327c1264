using System.ComponentModel;

namespace Nfv.Functions.Steer;

/// <summary>What a steering function counts besides its drops. Kept in <see cref="SteerFunction.Counters"/>.</summary>
public enum SteerEvent
{
    /// <summary>Packets a class picked the chain of.</summary>
    [Description("packets a class steered")]
    Classified = 0,

    /// <summary>Packets no class matched, sent the default way.</summary>
    [Description("packets no class matched, sent the default way")]
    Defaulted = 1,

    /// <summary>Packets back from a chain's far end, sent on.</summary>
    [Description("packets back from a chain, sent on")]
    Rejoined = 2,
}

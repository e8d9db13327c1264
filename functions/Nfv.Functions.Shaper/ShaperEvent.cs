using System.ComponentModel;

namespace Nfv.Functions.Shaper;

/// <summary>What a shaper counts besides its drops. Kept in <see cref="ShaperFunction.Counters"/>.</summary>
public enum ShaperEvent
{
    /// <summary>Packets sent at once: the bucket had room and nothing was queued before them.</summary>
    [Description("packets sent at once, within the rate")]
    Passed = 0,

    /// <summary>Packets held in the queue and sent later, at the rate.</summary>
    [Description("packets held and sent later at the rate")]
    Delayed = 1,

    /// <summary>Packets going the way not shaped.</summary>
    [Description("packets going the way not shaped")]
    Unshaped = 2,
}

using System.ComponentModel;

namespace Nfv.Functions.Impair;

/// <summary>
/// What the impairment counts besides its drops: values 0..n-1, names the <c>event</c> label of
/// <c>nfv_function_events_total</c>, descriptions their help. Kept in <see cref="ImpairFunction.Counters"/>.
/// </summary>
public enum ImpairEvent
{
    /// <summary>Packets held and sent later (delay, jitter or rate).</summary>
    [Description("packets held and sent later")]
    Delayed = 0,

    /// <summary>Packets sent at once: nothing to wait for.</summary>
    [Description("packets sent at once")]
    Passed = 1,

    /// <summary>Extra copies sent (duplication).</summary>
    [Description("extra copies sent")]
    Duplicated = 2,

    /// <summary>Packets sent ahead of the delay (reordering): they overtake those held.</summary>
    [Description("packets sent ahead of the delay")]
    Reordered = 3,

    /// <summary>Packets sent with one bit flipped (corruption).</summary>
    [Description("packets sent with a bit flipped")]
    Corrupted = 4,
}

using System.ComponentModel;

namespace NfvFunction1;

/// <summary>
/// What the function counts besides its drops: each member is the <c>event</c> label of <c>nfv_function_events_total</c>
/// (snake case, <c>passed_a_to_b</c>) and its description the help text.
/// </summary>
public enum Wire1Event
{
    /// <summary>Frames that came in on port a and went out of b.</summary>
    [Description("frames passed from a to b")]
    PassedAToB = 0,

    /// <summary>Frames that came in on port b and went out of a.</summary>
    [Description("frames passed from b to a")]
    PassedBToA = 1,
}

using System.ComponentModel;

namespace Nfv.Functions.Policer;

/// <summary>What a policer counts besides its drops. Kept in <see cref="PolicerFunction.Counters"/>.</summary>
public enum PolicerEvent
{
    /// <summary>Packets within their class's rate.</summary>
    [Description("packets within their class's rate")]
    Conformed = 0,

    /// <summary>Packets over their class's rate, passed with their DSCP re-marked.</summary>
    [Description("packets over their class's rate, passed re-marked")]
    Remarked = 1,

    /// <summary>Packets in no class (or going the way not policed, or not IPv4), passed untouched.</summary>
    [Description("packets in no class, passed untouched")]
    Unpoliced = 2,
}

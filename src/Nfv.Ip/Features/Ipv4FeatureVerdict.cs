using Nfv.Abstractions;

namespace Nfv.Ip.Features;

/// <summary>What an <see cref="IIpv4Feature"/> decided about a packet at a hook.</summary>
public enum Ipv4FeatureVerdict
{
    /// <summary>Go on: the next feature, then the router (the feature may have rewritten the packet).</summary>
    Continue = 0,

    /// <summary>
    /// The feature took the packet: it has already ended it in exactly one <see cref="Emitter.To"/> or
    /// <see cref="Emitter.Drop"/> on the emitter it was given. The router does not touch it again.
    /// </summary>
    Consumed = 1,

    /// <summary>The router drops the packet, counted as its <c>FeatureDrop</c> reason.</summary>
    Drop = 2,
}

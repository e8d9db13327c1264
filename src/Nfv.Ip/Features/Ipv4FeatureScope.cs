namespace Nfv.Ip.Features;

/// <summary>Which packets of its router an <see cref="IIpv4Feature"/> sees, as it answers <see cref="IIpv4Feature.Attach"/>.</summary>
public enum Ipv4FeatureScope
{
    /// <summary>Only its interface: <see cref="IIpv4Feature.Input"/> for packets arriving on it, <see cref="IIpv4Feature.Output"/> for packets leaving by it.</summary>
    Interface = 0,

    /// <summary>
    /// As <see cref="Interface"/>, and <see cref="IIpv4Feature.Input"/> also for packets arriving on every other interface of the
    /// router (<see cref="Ipv4HookContext.Interface"/> says which). A NAT needs it for hairpinning: an inside host sends to
    /// the outside address, and the packet never crosses the outside interface.
    /// </summary>
    Router = 1,
}

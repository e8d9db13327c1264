using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Ip.Connections;
using Nfv.Ip.Features;

namespace Nfv.Functions.Firewall;

// The firewall as an IPv4 feature of a router interface (`features: [NAME]`): packets arriving on the interface come
// from outside, packets leaving by it from inside. The router's features share one connection table, so beside a NAT
// the firewall judges the connections the NAT translates and sees their replies as established without a table of its
// own; a NAT listed before it on the interface translates nearest the wire, so the rules see the inside's addresses
// (after a port forward's translation, before masquerading), as netfilter's forward chain does.
public sealed partial class FirewallFunction : IIpv4Feature
{
    private readonly string? _featureName;
    private ConnectionTracker? _tracker;
    private string? _attachedTo;

    /// <summary>Creates the firewall <paramref name="name"/> as a feature: it filters once a router attaches it.</summary>
    public static FirewallFunction Feature(string name, FirewallOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new FirewallFunction(options, time, name);
    }

    /// <summary>As a feature, the packets it turned away, by reason (the router counts each as its <c>FeatureDrop</c>).</summary>
    public EventCounters<FirewallDrop> Drops { get; } = new();

    /// <inheritdoc/>
    public string Name => _featureName ?? "firewall";

    /// <inheritdoc/>
    /// <remarks>Its <c>max-connections</c>.</remarks>
    public int TrackedConnections => Options.MaxConnections;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">An inline firewall, or one already attached.</exception>
    public Ipv4FeatureScope Attach(Ipv4FeatureAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        if (_featureName is null || _attachedTo is not null)
        {
            throw new InvalidOperationException(_attachedTo is null
                ? "An inline firewall is linked between its ports, not attached to a router."
                : $"Firewall '{_featureName}' already serves {_attachedTo}; a feature serves one interface.");
        }
        _attachedTo = $"interface '{attachment.InterfaceName}' of router '{attachment.Router}'";
        _tracker = attachment.Connections;
        Track(_tracker?.Table ?? new ConnectionTable(Options.MaxConnections));
        return Ipv4FeatureScope.Interface;
    }

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Input(Packet packet, in Ipv4HookContext context, Emitter emit) =>
        Hook(packet, emit, FirewallSide.Outside, context.Timestamp);

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Output(Packet packet, in Ipv4HookContext context, Emitter emit) =>
        Hook(packet, emit, FirewallSide.Inside, context.Timestamp);

    private Ipv4FeatureVerdict Hook(Packet packet, Emitter emit, FirewallSide side, long now)
    {
        if (_attachedTo is null)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        if (Decide(packet, emit, side, now, _tracker) is not { } reason)
        {
            return Ipv4FeatureVerdict.Continue;
        }
        Drops.Increment(reason);
        return Ipv4FeatureVerdict.Drop;
    }
}

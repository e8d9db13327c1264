using Nfv.Abstractions.Configuration;

namespace Nfv.Abstractions;

/// <summary>
/// A function's checked configuration, before it runs. The topology attaches links to its ports
/// (<see cref="Attach"/>), then the host builds the running function.
/// </summary>
public abstract class FunctionBlueprint
{
    /// <summary>
    /// The function's ports by name; a port's index in this list is its number at run time
    /// (<see cref="Emitter.To"/>, <see cref="Packet.InputPort"/>).
    /// </summary>
    public abstract IReadOnlyList<string> Ports { get; }

    /// <summary>The names of the function's drop reasons; the index is the reason's number.</summary>
    public abstract IReadOnlyList<string> DropReasons { get; }

    /// <summary>
    /// Resolves one end of a link. <paramref name="port"/> is the name after the dot
    /// (<c>gw.lan</c>), or null for a bare reference (<c>lan</c>), which a function may answer
    /// with its only port or a new one named after <paramref name="peerHint"/>.
    /// Returns the port's index, or -1 after adding a diagnostic.
    /// </summary>
    public abstract int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics);

    /// <summary>
    /// The features this function names (a router interface's <c>features: [masq]</c>); the topology loader resolves each
    /// to a <see cref="FeatureBlueprint"/> of the contract it asks for, and <see cref="Build"/> gets the running features
    /// from <see cref="FunctionBuildContext.Feature{T}"/>.
    /// </summary>
    public virtual IReadOnlyList<FeatureReference> FeatureReferences => [];

    /// <summary>
    /// What this function becomes when another names it as a feature instead of linking it (a firewall named in a router
    /// interface's <c>features</c>), or null, the default, for a function that is only linked. The topology loader swaps
    /// it in when a place names the function, before links are resolved, so one kind can serve either way.
    /// </summary>
    public virtual FeatureBlueprint? AsFeature() => null;

    /// <summary>Builds the running function.</summary>
    public abstract INetworkFunction Build(FunctionBuildContext context);

    /// <summary>
    /// True when, with these settings, the function may run as an instance per worker (<c>Nfv:Workers</c> above 1 with a
    /// TAP queue per worker, <c>Nfv:MultiQueueTaps</c>): <see cref="Build"/> is then called once per worker, and each
    /// instance sees only the frames its worker reads and sends only on its worker's queues. The kernel keeps a flow on
    /// the queue its answers were written on, so each flow stays with one instance. Say so only for a function whose
    /// instances, sharing nothing (or what each gets from <see cref="FunctionBuildContext.Shared{T}"/>), together behave as one would: a learning switch's
    /// do, a limit that must hold over all the function's traffic would not. Its instances share their settings: one that
    /// can change them (<see cref="IReconfigurableFunction"/>) must accept or refuse them by the settings alone. False by
    /// default: one instance, run by one worker, packets from the others handed over to it. Instances that each own some
    /// flows (a NAT's sessions) send a packet of a flow another owns to that instance (<see cref="Emitter.ToInstance"/>).
    /// The host runs an instance per worker only when every link of the function leads to a port with a queue per worker
    /// or to a function run as an instance per worker too (or to any function, for one whose instances share what they
    /// learn: <see cref="InstancesShareWhatTheyLearn"/>); a function naming features, only when each of them may run so
    /// too (each instance then gets its own instance of each); a feature, only when the functions naming it run so
    /// (docs/architecture.md, "Threading").
    /// </summary>
    public virtual bool CanRunAsInstancePerWorker => false;

    /// <summary>
    /// True when the function's instances share what each learns from the frames it sees (a switch its learned
    /// addresses, through <see cref="FunctionBuildContext.Shared{T}"/>), so that every instance can reach a peer whose
    /// frames only one of them receives. Such a function may run as an instance per worker even when linked to a
    /// function that runs once, whose frames reach only the instance on that function's worker; any other function
    /// linked to one that runs once runs once too. False by default.
    /// </summary>
    public virtual bool InstancesShareWhatTheyLearn => false;

    /// <summary>True for a name a link can use after the dot (<c>sw.up</c>): 1 to 64 letters, digits, '-' or '_'.</summary>
    public static bool IsValidPortName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }
        return true;
    }
}

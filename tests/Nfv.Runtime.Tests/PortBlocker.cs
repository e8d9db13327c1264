using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

[assembly: NetworkFunction(typeof(Nfv.Runtime.Tests.PortBlockerFactory))]

namespace Nfv.Runtime.Tests;

/// <summary>
/// A function written outside nfv, as a plugin author would write one: an IPv4 feature that drops UDP datagrams to one
/// port arriving on the interface that names it (<c>blocker: { kind: test-port-blocker, port: 9 }</c>), and counts what
/// it let through. Only this test assembly knows it; discovery finds it by its assembly attribute.
/// </summary>
public sealed class PortBlockerFactory : INetworkFunctionFactory
{
    /// <inheritdoc/>
    public string Kind => "test-port-blocker";

    /// <inheritdoc/>
    public string Summary => "drops UDP to one port (a test feature)";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        var reader = new ConfigReader(context.Diagnostics);
        reader.CheckKeys(context.Config, $"'{context.Name}'", "kind", "port");
        int port = context.Config["port"] is { } node && reader.Int(node, $"'port' of '{context.Name}'", 1, 65535) is { } p ? p : 9;
        return new PortBlockerBlueprint(context.Name, (ushort)port);
    }
}

internal sealed class PortBlockerBlueprint(string name, ushort port) : FeatureBlueprint
{
    public override string Name => name;

    public override Type Contract => typeof(IIpv4Feature);

    public override INetworkFunction Build(FunctionBuildContext context) => new PortBlocker(port);
}

/// <summary>The running feature: counts, and drops at the input hook.</summary>
public sealed class PortBlocker(ushort port) : INetworkFunction, IIpv4Feature
{
    /// <summary>Datagrams dropped.</summary>
    public int Blocked { get; private set; }

    /// <summary>Packets let through.</summary>
    public int Passed { get; private set; }

    /// <inheritdoc/>
    public string Name => "blocker";

    /// <inheritdoc/>
    /// <remarks>A feature has no ports: nothing is ever sent to it.</remarks>
    public void Process(PacketBatch batch, Emitter emit) => throw new InvalidOperationException("a feature has no ports");

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Input(Packet packet, in Ipv4HookContext context, Emitter emit)
    {
        var ip = packet.Data[context.IpOffset..];
        int headerLength = (ip[0] & 0xF) * 4;
        if (ip[9] == Ipv4Header.ProtocolUdp && ip.Length >= headerLength + 4 && (ip[headerLength + 2] << 8 | ip[headerLength + 3]) == port)
        {
            Blocked++;
            return Ipv4FeatureVerdict.Drop;
        }
        Passed++;
        return Ipv4FeatureVerdict.Continue;
    }

    /// <inheritdoc/>
    public Ipv4FeatureVerdict Output(Packet packet, in Ipv4HookContext context, Emitter emit) => Ipv4FeatureVerdict.Continue;
}

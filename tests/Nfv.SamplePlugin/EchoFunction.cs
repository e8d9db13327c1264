using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;

[assembly: NetworkFunction(typeof(Nfv.SamplePlugin.EchoFactory))]

namespace Nfv.SamplePlugin;

/// <summary><c>kind: sample-echo</c>: one port; every frame goes back out of it. The smallest function a plugin can be.</summary>
public sealed class EchoFactory : INetworkFunctionFactory
{
    /// <inheritdoc/>
    public string Kind => "sample-echo";

    /// <inheritdoc/>
    public string Summary => "sends every frame back where it came from (a sample plugin)";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        new ConfigReader(context.Diagnostics).CheckKeys(context.Config, $"'{context.Name}'", "kind");
        return new EchoBlueprint();
    }
}

internal sealed class EchoBlueprint : FunctionBlueprint
{
    public override IReadOnlyList<string> Ports { get; } = ["port"];

    public override IReadOnlyList<string> DropReasons { get; } = [];

    public override int Attach(string? port, string peerHint, SourceSpan span, DiagnosticBag diagnostics)
    {
        if (port is null or "port")
        {
            return 0;
        }
        diagnostics.Error(DiagnosticCodes.UnknownPort, span, $"a sample-echo has one port, 'port', not '{port}'");
        return -1;
    }

    public override INetworkFunction Build(FunctionBuildContext context) => new Echo();
}

internal sealed class Echo : INetworkFunction
{
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            emit.To(0, packet);
        }
    }
}

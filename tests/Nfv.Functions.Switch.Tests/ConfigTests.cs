using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Testing;
using static Nfv.Functions.Switch.Tests.SwitchHarness;
using static Nfv.Testing.FrameBuilder;

namespace Nfv.Functions.Switch.Tests;

public class ConfigTests
{
    private static (SwitchBlueprint? Blueprint, DiagnosticBag Diagnostics) Define(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var config = FunctionConfig.ParseFunction(yaml, "lab.yaml");
        var blueprint = new SwitchFunctionFactory().Define(new FunctionDefinitionContext("lan", config, diagnostics));
        return ((SwitchBlueprint?)blueprint, diagnostics);
    }

    private static Diagnostic Single(DiagnosticBag diagnostics, string code)
    {
        var d = Assert.Single(diagnostics.Items);
        Assert.Equal(code, d.Code);
        return d;
    }

    [Fact]
    public void Factory_MakesKindSwitch()
    {
        Assert.Equal("switch", new SwitchFunctionFactory().Kind);
    }

    [Fact]
    public void MinimalSwitch_GetsTheDefaults()
    {
        var (blueprint, diagnostics) = Define("""
            lan:
              kind: switch
            """);

        Assert.Empty(diagnostics.Items);
        Assert.NotNull(blueprint);
        Assert.Equal(TimeSpan.FromSeconds(300), blueprint.Options.Ageing);
        Assert.Equal(8192, blueprint.Options.MacTableSize);
        Assert.Equal(9000, blueprint.Options.Mtu);
        Assert.Empty(blueprint.Ports);
    }

    [Fact]
    public void FullExample_IsRead()
    {
        var (blueprint, diagnostics) = Define("""
            lan:
              kind: switch
              ageing: 2m
              mac-table-size: 1024
              mtu: 1500
              ports:
                a:  { vlan: 10 }
                up: { trunk: [10, 20], native: 1 }
                t2:
                  trunk: [100-102, 7]
            """);

        Assert.Empty(diagnostics.Items);
        var options = blueprint!.Options;
        Assert.Equal(TimeSpan.FromMinutes(2), options.Ageing);
        Assert.Equal(1024, options.MacTableSize);
        Assert.Equal(1500, options.Mtu);
        Assert.Equal(["a", "up", "t2"], blueprint.Ports);
        Assert.Equal(SwitchPortMode.Access, options.Ports[0].Mode);
        Assert.Equal(10, options.Ports[0].AccessVlan);
        Assert.Equal(new SourceSpan("lab.yaml", 7, 5), options.Ports[0].Span);
        Assert.Equal(SwitchPortMode.Trunk, options.Ports[1].Mode);
        Assert.Equal([10, 20], options.Ports[1].TrunkVlans);
        Assert.Equal(1, options.Ports[1].NativeVlan);
        Assert.Equal([7, 100, 101, 102], options.Ports[2].TrunkVlans);
        Assert.Null(options.Ports[2].NativeVlan);
    }

    [Fact]
    public void UnknownKey_IsReportedWhereItIsWritten()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              agein: 300s
            """);

        var d = Single(diagnostics, DiagnosticCodes.UnknownKey);
        Assert.Equal(new SourceSpan("lab.yaml", 3, 3), d.Span);
        Assert.Contains("'agein'", d.Message, StringComparison.Ordinal);
        Assert.Contains("ageing", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyInAPort_IsReported()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                a: { vlan: 10, speed: 1000 }
            """);

        var d = Single(diagnostics, DiagnosticCodes.UnknownKey);
        Assert.Equal(new SourceSpan("lab.yaml", 4, 20), d.Span);
    }

    [Fact]
    public void VlanOutOfRange_IsReportedAtTheValue()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                a: { vlan: 5000 }
            """);

        var d = Single(diagnostics, DiagnosticCodes.BadVlan);
        Assert.Equal(new SourceSpan("lab.yaml", 4, 16), d.Span);
        Assert.Equal("lab.yaml(4,16): error NFV0207: 'vlan' of port 'a' of switch 'lan' must be a VLAN id from 1 to 4094, not '5000'", d.ToString());
    }

    [Theory]
    [InlineData("[10, 4095]", 23)]
    [InlineData("[0]", 19)]
    [InlineData("[10, 30-20]", 23)]
    [InlineData("[ten]", 19)]
    public void BadVlanInATrunk_IsReportedAtTheItem(string trunk, int column)
    {
        var (_, diagnostics) = Define($$"""
            lan:
              kind: switch
              ports:
                up: { trunk: {{trunk}} }
            """);

        var d = Single(diagnostics, DiagnosticCodes.BadVlan);
        Assert.Equal(new SourceSpan("lab.yaml", 4, column), d.Span);
    }

    [Fact]
    public void BadNative_IsReported()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                up: { trunk: [10], native: 0 }
            """);

        Single(diagnostics, DiagnosticCodes.BadVlan);
    }

    [Fact]
    public void PortWithBothVlanAndTrunk_IsReported()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                a: { vlan: 10, trunk: [20] }
            """);

        var d = Single(diagnostics, SwitchDiagnosticCodes.VlanAndTrunk);
        Assert.Equal(new SourceSpan("lab.yaml", 4, 20), d.Span);
    }

    [Fact]
    public void NativeOnAnAccessPort_IsReported()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                a: { vlan: 10, native: 1 }
            """);

        Single(diagnostics, SwitchDiagnosticCodes.NativeWithoutTrunk);
    }

    [Fact]
    public void TrunkCarryingNothing_IsReported_ButANativeOnlyTrunkIsFine()
    {
        var (_, empty) = Define("""
            lan:
              kind: switch
              ports:
                up: { trunk: [] }
            """);
        Single(empty, SwitchDiagnosticCodes.EmptyTrunk);

        var (blueprint, nativeOnly) = Define("""
            lan:
              kind: switch
              ports:
                up: { trunk: [], native: 7 }
            """);
        Assert.Empty(nativeOnly.Items);
        Assert.True(blueprint!.Options.Ports[0].Carries(7));
    }

    [Fact]
    public void VlanListedTwice_IsAWarning()
    {
        var (blueprint, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                up: { trunk: [10, 5-15] }
            """);

        var d = Single(diagnostics, SwitchDiagnosticCodes.DuplicateVlan);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.False(diagnostics.HasErrors);
        Assert.Equal(11, blueprint!.Options.Ports[0].TrunkVlans.Count);
    }

    [Fact]
    public void PortNameWithADot_IsReported()
    {
        var (_, diagnostics) = Define("""
            lan:
              kind: switch
              ports:
                a.b: { vlan: 10 }
            """);

        var d = Single(diagnostics, SwitchDiagnosticCodes.BadPortName);
        Assert.Equal(new SourceSpan("lab.yaml", 4, 5), d.Span);
    }

    [Fact]
    public void EveryProblemIsReportedInOnePass()
    {
        var (blueprint, diagnostics) = Define("""
            lan:
              kind: switch
              ageing: 5 parsecs
              mac-table-size: 0
              mtu: 10
              colour: blue
              ports:
                a: { vlan: 0 }
                b: [1, 2]
                c: { trunk: { x: 1 } }
            """);

        Assert.NotNull(blueprint);
        Assert.Equal(
            [DiagnosticCodes.UnknownKey, DiagnosticCodes.BadDuration, DiagnosticCodes.BadNumber, DiagnosticCodes.BadNumber,
             DiagnosticCodes.BadVlan, DiagnosticCodes.WrongType, DiagnosticCodes.WrongType],
            diagnostics.Items.Select(d => d.Code));
        Assert.All(diagnostics.Items, d => Assert.Equal("lab.yaml", d.Span.File));
        Assert.Equal(["a", "b", "c"], blueprint.Ports);   // bad ports stay, so links to them do not cascade into more errors
    }

    [Fact]
    public void PortsThatAreNotAMapping_MakeTheSwitchUnusable()
    {
        var (blueprint, diagnostics) = Define("""
            lan:
              kind: switch
              ports: [a, b]
            """);

        Assert.Null(blueprint);
        Single(diagnostics, DiagnosticCodes.WrongType);
    }

    [Fact]
    public void Attach_ADeclaredPort_ReturnsItsIndex()
    {
        var (blueprint, _) = Define("""
            lan:
              kind: switch
              ports: { a: { vlan: 10 }, up: { trunk: [10] } }
            """);
        var diagnostics = new DiagnosticBag();

        Assert.Equal(1, blueprint!.Attach("up", "router", new SourceSpan("lab.yaml", 9, 5), diagnostics));
        Assert.Equal(0, blueprint.Attach("a", "h1", new SourceSpan("lab.yaml", 10, 5), diagnostics));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Attach_AnUndeclaredPort_IsAnErrorThatListsTheDeclaredPorts()
    {
        var (blueprint, _) = Define("""
            lan:
              kind: switch
              ports: { a: { vlan: 10 }, up: { trunk: [10] } }
            """);
        var diagnostics = new DiagnosticBag();
        var link = new SourceSpan("lab.yaml", 12, 10);

        Assert.Equal(-1, blueprint!.Attach("uplink", "gw.lan", link, diagnostics));

        var d = Single(diagnostics, DiagnosticCodes.UnknownPort);
        Assert.Equal(link, d.Span);
        Assert.Contains("'uplink'", d.Message, StringComparison.Ordinal);
        Assert.Contains("a, up", d.Message, StringComparison.Ordinal);
        Assert.Equal(2, blueprint.Ports.Count);
    }

    [Fact]
    public void Attach_BareReference_CreatesAnAccessPortInVlan1_NamedAfterThePeer()
    {
        var (blueprint, _) = Define("""
            lan:
              kind: switch
              ports: { lan1: { vlan: 10 } }
            """);
        var diagnostics = new DiagnosticBag();

        Assert.Equal(1, blueprint!.Attach(null, "lan1", new SourceSpan("lab.yaml", 20, 5), diagnostics));
        Assert.Equal(2, blueprint.Attach(null, "gw.lan", new SourceSpan("lab.yaml", 21, 5), diagnostics));
        Assert.Equal(3, blueprint.Attach(null, "lan1", new SourceSpan("lab.yaml", 22, 5), diagnostics));

        Assert.Empty(diagnostics.Items);
        Assert.Equal(["lan1", "lan1-2", "gw-lan", "lan1-3"], blueprint.Ports);
        var created = blueprint.Options.Ports[1];
        Assert.Equal(SwitchPortMode.Access, created.Mode);
        Assert.Equal(1, created.AccessVlan);
        Assert.Equal(new SourceSpan("lab.yaml", 20, 5), created.Span);
    }

    [Fact]
    public void DropReasons_AreTheSwitchDropNames_IndexedByValue()
    {
        var (blueprint, _) = Define("""
            lan:
              kind: switch
            """);

        var values = Enum.GetValues<SwitchDrop>();
        Assert.Equal(values.Length, blueprint!.DropReasons.Count);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(i, (int)values[i]);
            Assert.Equal(values[i].ToString(), blueprint.DropReasons[i]);
        }
    }

    [Fact]
    public void Build_FloodsOnlyToConnectedPorts_AndAgesOnTheContextClock()
    {
        var (blueprint, _) = Define("""
            lan:
              kind: switch
              ageing: 10s
              ports: { a: { vlan: 1 }, spare: { vlan: 1 } }
            """);
        var diagnostics = new DiagnosticBag();
        blueprint!.Attach(null, "h1", default, diagnostics);
        blueprint.Attach(null, "h2", default, diagnostics);
        var time = new FakeTimeProvider();
        var function = blueprint.Build(new FunctionBuildContext("lan", [true, false, true, true], time, NullLoggerFactory.Instance));
        var emit = new RecordingEmitter();

        emit.Send(function, 0, Ethernet(Broadcast, A));
        emit.AssertSentTo(2, 3);

        emit.Send(function, 3, Ethernet(A, B));
        emit.AssertSentTo(0);
        time.Advance(TimeSpan.FromSeconds(10));
        emit.Send(function, 3, Ethernet(A, B));
        emit.AssertSentTo(0, 2);
    }
}

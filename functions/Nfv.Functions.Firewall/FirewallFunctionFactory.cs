using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;

[assembly: NetworkFunction(typeof(Nfv.Functions.Firewall.FirewallFunctionFactory))]

namespace Nfv.Functions.Firewall;

/// <summary>
/// Makes firewalls (<c>kind: firewall</c>): reads and checks their rules, reporting every problem with its line and
/// column; never throws for bad input.
/// </summary>
public sealed class FirewallFunctionFactory : INetworkFunctionFactory
{
    private static readonly string[] s_keys =
        ["kind", "rules", "default", "non-ip", "max-connections", "tcp-established", "tcp-transitory", "udp-timeout", "icmp-timeout"];
    private static readonly string[] s_ruleKeys = ["action", "from", .. Ipv4Match.Keys];

    /// <summary>Most connections a firewall may be configured to track.</summary>
    public const int MaxConnectionsBound = 4 << 20;

    /// <inheritdoc/>
    public string Kind => "firewall";

    /// <inheritdoc/>
    public string Summary => "stateful firewall between ports inside and outside: ordered rules, connection tracking, counters per rule";

    /// <inheritdoc/>
    /// <remarks>The next range after the built-in four (<see cref="FirewallDiagnosticCodes"/>).</remarks>
    public string DiagnosticPrefix => "NFV15";

    /// <inheritdoc/>
    public FunctionBlueprint? Define(FunctionDefinitionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var reader = new ConfigReader(context.Diagnostics);
        string where = $"firewall '{context.Name}'";
        reader.CheckKeys(config, where, s_keys);
        var options = new FirewallOptions();
        var day = TimeSpan.FromDays(1);

        if (config["rules"] is { } rulesNode && reader.AsSequence(rulesNode, $"'rules' of {where}") is { } rules)
        {
            var read = new List<FirewallRule>();
            foreach (var item in rules.Items)
            {
                if (ReadRule(reader, item, $"rule {read.Count + 1} of {where}") is { } rule)
                {
                    read.Add(rule);
                }
            }
            options = options with { Rules = read };
        }
        if (config["default"] is { } defaultNode && reader.Choice(defaultNode, $"'default' of {where}", s_actions, FirewallDiagnosticCodes.BadChoice) is { } policy)
        {
            options = options with { Default = policy };
        }
        if (config["non-ip"] is { } nonIpNode && reader.Choice(nonIpNode, $"'non-ip' of {where}", s_actions, FirewallDiagnosticCodes.BadChoice) is { } nonIp)
        {
            options = options with { NonIp = nonIp };
        }
        if (config["max-connections"] is { } max && reader.Int(max, $"'max-connections' of {where}", 1, MaxConnectionsBound) is { } m)
        {
            options = options with { MaxConnections = m };
        }
        if (config["tcp-established"] is { } est && reader.Duration(est, $"'tcp-established' of {where}", FirewallOptions.MinTimeout, day) is { } e)
        {
            options = options with { TcpEstablished = e };
        }
        if (config["tcp-transitory"] is { } tra && reader.Duration(tra, $"'tcp-transitory' of {where}", FirewallOptions.MinTimeout, day) is { } t)
        {
            options = options with { TcpTransitory = t };
        }
        if (config["udp-timeout"] is { } udp && reader.Duration(udp, $"'udp-timeout' of {where}", FirewallOptions.MinTimeout, day) is { } u)
        {
            options = options with { UdpTimeout = u };
        }
        if (config["icmp-timeout"] is { } icmp && reader.Duration(icmp, $"'icmp-timeout' of {where}", FirewallOptions.MinTimeout, day) is { } i)
        {
            options = options with { IcmpTimeout = i };
        }
        return context.Diagnostics.HasErrors ? null : new FirewallBlueprint(context.Name, options);
    }

    private static readonly Dictionary<string, FirewallAction> s_actions = new(StringComparer.Ordinal)
    {
        ["allow"] = FirewallAction.Allow, ["deny"] = FirewallAction.Deny,
    };

    private static readonly Dictionary<string, FirewallSide> s_sides = new(StringComparer.Ordinal)
    {
        ["any"] = FirewallSide.Any, ["inside"] = FirewallSide.Inside, ["outside"] = FirewallSide.Outside,
    };

    private static FirewallRule? ReadRule(ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsMapping(node, what) is not { } map)
        {
            return null;
        }
        int errors = reader.Diagnostics.Items.Count;
        reader.CheckKeys(map, what, s_ruleKeys);
        var action = reader.Required(map, "action", what) is { } actionNode ? reader.Choice(actionNode, $"'action' of {what}", s_actions, FirewallDiagnosticCodes.BadChoice) : null;
        var from = map["from"] is { } fromNode ? reader.Choice(fromNode, $"'from' of {what}", s_sides, FirewallDiagnosticCodes.BadChoice) : FirewallSide.Any;
        var match = reader.Match(map, what);
        bool failed = reader.Diagnostics.Items.Skip(errors).Any(d => d.Severity == DiagnosticSeverity.Error);
        return failed ? null : new FirewallRule(action!.Value, from!.Value, match!, map.Span);
    }
}

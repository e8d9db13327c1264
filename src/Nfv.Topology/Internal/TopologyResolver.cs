using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;

namespace Nfv.Topology.Internal;

/// <summary>
/// Checks a parsed topology file and resolves every name to an index. Each step reports what it
/// finds and goes on, so one pass lists every problem (YARP's ConfigValidator); a step skips only
/// what depends on something already reported, so one mistake gives one error, not a cascade.
/// </summary>
internal sealed partial class TopologyResolver
{
    private static readonly string[] s_topLevelKeys = ["name", "description", "plugins", "nodes", "functions", "ports", "links", "hosts", "tests"];

    private readonly string _file;
    private readonly IPluginLoader? _plugins;
    private FunctionCatalog _catalog; // with the kinds of the file's own plugins once they are loaded
    private readonly DiagnosticBag _diagnostics;
    private readonly ConfigReader _reader;

    // Functions and external ports share one set of names: a link end may be either.
    private readonly Dictionary<string, Declared> _names = new(StringComparer.Ordinal);
    private readonly List<FunctionEntry> _functions = [];
    private readonly List<PortEntry> _ports = [];
    private readonly List<ResolvedLink> _links = [];
    private readonly List<ResolvedHost> _hosts = [];

    private TopologyResolver(string file, FunctionCatalog catalog, IPluginLoader? plugins, DiagnosticBag diagnostics)
    {
        _file = file;
        _catalog = catalog;
        _plugins = plugins;
        _diagnostics = diagnostics;
        _reader = new ConfigReader(diagnostics);
    }

    /// <summary>Parses, checks and resolves <paramref name="text"/>; never throws for bad input.</summary>
    public static TopologyLoadResult Resolve(string text, string file, FunctionCatalog catalog, IPluginLoader? plugins)
    {
        var diagnostics = new DiagnosticBag();
        var root = TopologyRanges.Expand(YamlConfigParser.Parse(text, file, diagnostics), diagnostics);
        ResolvedTopology? topology = null;
        if (root is not null || !diagnostics.HasErrors)
        {
            topology = new TopologyResolver(file, catalog, plugins, diagnostics).Resolve(root);
        }
        return Finish(diagnostics, topology);
    }

    /// <summary>The result: the model only when no error was reported, the diagnostics in file order.</summary>
    public static TopologyLoadResult Finish(DiagnosticBag diagnostics, ResolvedTopology? topology)
    {
        // Stable: diagnostics at one place keep the order they were found in.
        var ordered = diagnostics.Items.OrderBy(d => d.Span.Line).ThenBy(d => d.Span.Column).ToArray();
        return new TopologyLoadResult(diagnostics.HasErrors ? null : topology, ordered);
    }

    private ResolvedTopology? Resolve(ConfigNode? root)
    {
        if (root is null or ConfigScalar { Value: "" })
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, root?.Span ?? new SourceSpan(_file, 1, 1),
                "the file is empty; a topology is a mapping with 'functions', 'ports', 'links' and 'hosts'");
            return null;
        }
        if (root is not ConfigMapping map)
        {
            _diagnostics.Error(DiagnosticCodes.WrongType, root.Span,
                $"a topology must be a mapping with 'functions', 'ports', 'links' and 'hosts', not {root.Describe()}");
            return null;
        }

        _reader.CheckKeys(map, "the topology", s_topLevelKeys);
        string name = OptionalText(map["name"], "the topology's 'name'") ?? DefaultName();
        string? description = OptionalText(map["description"], "'description'");

        var plugins = ReadPlugins(map["plugins"]);
        ReadNodes(map["nodes"]);
        ReadFunctions(map["functions"]);
        ReadPorts(map["ports"]);
        ResolveFeatures();
        ResolveNodes();
        ReadLinks(map["links"]);
        WarnUnlinked();
        ReadHosts(map["hosts"]);
        ReadTests(map["tests"]);

        if (_diagnostics.HasErrors)
        {
            return null;
        }
        return new ResolvedTopology
        {
            Name = name,
            Description = description,
            FilePath = _file,
            Plugins = plugins,
            Nodes = [.. _nodes],
            Functions = [.. _functions.Select(f => new ResolvedFunction(f.Name, f.Kind!, f.Blueprint!, f.Span) { Node = f.Node, Config = f.Config! })],
            Ports = [.. _ports.Select(p => new ResolvedExternalPort(p.Name, p.Tap, p.Span) { Vxlan = p.Vxlan, SocketPath = p.Socket, Node = p.Node })],
            Links = [.. _links],
            Hosts = [.. _hosts],
            Tests = [.. _tests],
        };
    }

    private string? OptionalText(ConfigNode? node, string what) =>
        node is not null && _reader.AsScalar(node, what) is { Value: { Length: > 0 } text } ? text : null;

    private string DefaultName()
    {
        var name = Path.GetFileNameWithoutExtension(_file);
        return string.IsNullOrEmpty(name) ? "topology" : name;
    }

    /// <summary>Reports a bad function, port or host name (which stays declared, so links to it resolve).</summary>
    private void CheckName(ConfigScalar key, string what)
    {
        if (Names.NameProblem(key.Value) is { } problem)
        {
            _diagnostics.Error(DiagnosticCodes.BadName, key.Span, $"{what} name '{key.Value}' {problem}");
        }
    }

    /// <summary>Adds a function or external port name; a clash is reported at the later place, citing the earlier.</summary>
    private void Declare(ConfigScalar key, EndpointKind kind, int index)
    {
        var declared = new Declared(kind, index, key.Span);
        if (!_names.TryGetValue(key.Value, out var existing))
        {
            _names.Add(key.Value, declared);
            return;
        }
        var (first, second) = IsBefore(existing.Span, key.Span) ? (existing, declared) : (declared, existing);
        var shared = first.Kind != second.Kind ? "; functions and external ports share one set of names" : "";
        _diagnostics.Error(DiagnosticCodes.DuplicateName, second.Span, $"'{key.Value}' is already declared at {first.Span}{shared}");
        _names[key.Value] = first;
    }

    private int ErrorCount()
    {
        int count = 0;
        foreach (var diagnostic in _diagnostics.Items)
        {
            count += diagnostic.Severity == DiagnosticSeverity.Error ? 1 : 0;
        }
        return count;
    }

    private static bool IsBefore(SourceSpan a, SourceSpan b) => a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column);

    private void WarnUnlinked()
    {
        // An entry that lost a name clash is skipped: links to its name went to the other one.
        for (int i = 0; i < _functions.Count; i++)
        {
            var function = _functions[i];
            if (!function.Linked && function.Blueprint is not null && Owns(function.Name, EndpointKind.Function, i))
            {
                // A feature is not linked but named by the place it serves; one nobody names does nothing.
                _diagnostics.Warning(DiagnosticCodes.Unlinked, function.Span, function.Blueprint is FeatureBlueprint feature
                    ? $"{function.Kind} '{function.Name}' is not used: name it in the features of the place it serves, such as a router interface's 'features: [{function.Name}]' ({FeatureReference.Describe(feature.Contract)})"
                    : $"function '{function.Name}' is not linked to anything");
            }
        }
        for (int i = 0; i < _ports.Count; i++)
        {
            var port = _ports[i];
            if (!port.Linked && port.IsDeclared && Owns(port.Name, EndpointKind.ExternalPort, i))
            {
                _diagnostics.Warning(DiagnosticCodes.Unlinked, port.Span, $"port '{port.Name}' is not linked to anything");
            }
        }
    }

    private bool Owns(string name, EndpointKind kind, int index) =>
        _names.TryGetValue(name, out var declared) && declared.Kind == kind && declared.Index == index;

    private readonly record struct Declared(EndpointKind Kind, int Index, SourceSpan Span);

    private sealed class FunctionEntry(string name, SourceSpan span)
    {
        public string Name { get; } = name;
        public SourceSpan Span { get; } = span;
        public string? Kind { get; set; }
        public FunctionBlueprint? Blueprint { get; set; }
        public ConfigMapping? Config { get; set; }
        public bool Linked { get; set; }
        public string? Node { get; set; }
    }

    private sealed class PortEntry(string name, SourceSpan span)
    {
        public string Name { get; } = name;
        public SourceSpan Span { get; } = span;
        public string? Tap { get; set; }
        public VxlanSettings? Vxlan { get; set; }
        public string? Socket { get; set; }
        public bool Linked { get; set; }
        public string? Node { get; set; }

        /// <summary>False when its declaration was refused (and said why): links and hosts naming it add nothing.</summary>
        public bool IsDeclared => Tap is not null || Vxlan is not null || Socket is not null;
    }
}
